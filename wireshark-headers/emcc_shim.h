/*
 * The C shim: the only code that calls Wireshark functions able to throw
 * (Wireshark exceptions are longjmps, which must never cross a Rust frame),
 * and the macros/static inline helpers bindgen cannot reach.
 *
 * Every function that may throw takes an emcc_error and reports a caught
 * exception there instead of letting it propagate.
 */
#ifndef EMCC_SHIM_H
#define EMCC_SHIM_H

#include <stdint.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>

typedef struct emcc_error {
    int caught;             /* 1 when a Wireshark exception was caught */
    unsigned long code;     /* its code (see epan/exceptions.h) */
    char message[200];      /* its message, NUL-terminated, maybe empty */
} emcc_error;

/* Packet data */
uint32_t emcc_tvb_captured_length(tvbuff_t *tvb);
uint32_t emcc_tvb_reported_length(tvbuff_t *tvb);
int emcc_tvb_copy(tvbuff_t *tvb, int offset, int length, uint8_t *dst, emcc_error *err);
/* A new data source of the frame holding a copy of `bytes` (freed with the
 * packet), shown as `static_name` (kept by some versions: a static string).
 * NULL on a caught exception. */
tvbuff_t *emcc_new_data_source(tvbuff_t *parent, packet_info *pinfo, const uint8_t *bytes,
                               int length, const char *static_name, emcc_error *err);

/* Protocols: the id of a protocol by filter name (-1: none), and the
 * protocols the frame carries. */
int emcc_protocol_id(const char *filter_name);
/* The ids of the protocols the frame carries (pinfo->layers, outermost
 * first), the first `max` of them copied to proto_ids; returns how many the
 * frame has (which may exceed max), -1 when it has no layer list. *hit is
 * set when one id's bit (id % 1024) is set in `interesting`, 16 words, which
 * may be NULL. */
int emcc_frame_layers(const packet_info *pinfo, int *proto_ids, int max,
                      const uint64_t *interesting, int *hit);
/* The TCP ports of the frame's innermost TCP header; 0 when the frame's
 * transport is not TCP. */
int emcc_frame_tcp_ports(const packet_info *pinfo, uint32_t *src, uint32_t *dst);
/* The same for UDP. */
int emcc_frame_udp_ports(const packet_info *pinfo, uint32_t *src, uint32_t *dst);
/* The frame's data source shown under `name` (a reassembled file, say);
 * NULL when it has none. */
tvbuff_t *emcc_data_source_named(packet_info *pinfo, const char *name);
/* Nonzero unless the user disabled the protocol. */
int emcc_protocol_enabled(int proto_id);

/* Packet info */
uint32_t emcc_frame_number(const packet_info *pinfo);
/* The key under which a string dissector table called us (NULL: none). */
const char *emcc_match_string(const packet_info *pinfo);
int emcc_frame_visited(const packet_info *pinfo);
void emcc_frame_abs_time(const packet_info *pinfo, int64_t *secs, int32_t *nsecs);
void emcc_col_set_protocol(packet_info *pinfo, const char *static_name);
/* Appends to Info; from 4.2 also updates the _ws.col.info field in tree. */
void emcc_col_append_info(packet_info *pinfo, proto_tree *tree, const char *text);

/* Tree items; all return NULL when no tree is built or on a caught exception */
proto_item *emcc_add_protocol(proto_tree *tree, int proto, tvbuff_t *tvb, int start, int length, emcc_error *err);
proto_item *emcc_add_string(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, const char *value, emcc_error *err);
proto_item *emcc_add_uint(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, uint32_t value, emcc_error *err);
proto_item *emcc_add_boolean(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, int value, emcc_error *err);
proto_item *emcc_add_bytes(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, const uint8_t *bytes, int nbytes, emcc_error *err);
proto_item *emcc_add_time(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, int64_t secs, int32_t nsecs, emcc_error *err);
proto_item *emcc_add_none(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, const char *text, emcc_error *err);
/* Whether an item of `hf` added to `tree` would be kept: the tree is shown,
 * or a filter, column or post-dissector asks for the field. */
int emcc_field_is_referenced(proto_tree *tree, int hf);
proto_tree *emcc_item_add_subtree(proto_item *item, int ett, emcc_error *err);
void emcc_item_set_generated(proto_item *item);
void emcc_item_set_hidden(proto_item *item);
void emcc_item_append_text(proto_item *item, const char *text, emcc_error *err);
void emcc_expert_add(packet_info *pinfo, proto_item *item, expert_field *ei, const char *message, emcc_error *err);
proto_item *emcc_add_expert(proto_tree *tree, packet_info *pinfo, expert_field *ei, tvbuff_t *tvb, int start, int length, const char *message, emcc_error *err);

/* Reading other protocols' fields (a post-dissector asks for them first with
 * emcc_set_wanted_fields). */
typedef struct emcc_field_hit {
    const char *string;     /* string fields: owned by Wireshark, valid during the call */
    uint32_t uint;          /* 32-bit unsigned fields (and frame numbers) */
    int has_uint;
    tvbuff_t *tvb;          /* the data source the item points into */
    int start;
    int length;
} emcc_field_hit;

/* Fields are looked up in the fields Wireshark tracks for the tree (fast,
 * but only for fields primed for this pass: tshark 4.0 primes a
 * post-dissector's wanted fields on the first pass only); when that finds
 * nothing on a later pass and the frame carries `layer` (a protocol filter
 * name), the tree is searched.
 * Returns how many occurrences the frame holds in all, and copies those from
 * index `first` on into `out`, at most `max` of them: a caller whose buffer
 * was too small calls again with `first` set past what it has (0 when an
 * exception was caught). */
int emcc_find_fields(packet_info *pinfo, proto_tree *tree, int hf, const char *layer,
                     int first, emcc_field_hit *out, int max, emcc_error *err);
void emcc_set_wanted_fields(dissector_handle_t handle, const int *ids, int count);

/* Preferences. A boolean preference's storage is a gboolean (int) up to 4.2
 * and a bool from 4.4: `storage` must point at the matching type (see
 * src/epan/version.rs). */
void emcc_register_bool_pref(module_t *module, const char *name, const char *title,
                             const char *description, void *storage);

void emcc_register_uint_pref(module_t *module, const char *name, const char *title,
                             const char *description, unsigned *storage);

void emcc_register_string_pref(module_t *module, const char *name, const char *title,
                               const char *description, const char **storage);

/* Taps. Our taps queue no data of their own: a listener is told the frame
 * number and reads the plugin's record for that frame. */
int emcc_register_tap(const char *name);
void emcc_tap_queue(int tap_id, packet_info *pinfo);

typedef struct emcc_tap_listener {
    void *user;
    void (*reset)(void *user);
    int (*packet)(void *user, uint32_t frame);   /* nonzero: redraw */
    void (*draw)(void *user);
} emcc_tap_listener;

/* Returns 1, or 0 with Wireshark's message in `error`. `listener` must live
 * until it is removed (ours live for the process). */
int emcc_register_tap_listener(const char *tap, emcc_tap_listener *listener, char *error, int size);

/* A `-z cli_string` statistic for tshark (and the GUI's statistics list):
 * `init` runs when the user asks for it, with the whole -z argument, and
 * returns 0 (after saying why on stderr) to refuse it. */
void emcc_register_cli_statistic(const char *cli_string, const char *title,
                                 int (*init)(const char *argument, void *user), void *user);

/* Text for the user through Wireshark's own C stdio streams, so that it
 * takes its place among what tshark itself wrote (a -z report after the
 * packets, not inside them). */
void emcc_write_stdout(const char *text);
void emcc_write_stderr(const char *text);

/* ---- Inputs from other protocols' taps (no protocol tree needed) ----
 * What Wireshark's dissectors queue for tap listeners during a frame can be
 * read back by a post-dissector of the same frame (fetch_tapped_data). The
 * follow taps queue only while someone listens, so we listen, as helpers
 * (TL_IS_DISSECTOR_HELPER: they make no one dissect a frame). */
/* Registers the helper listeners (once; 1 on success, else 0 and
 * Wireshark's message in `error`). */
int emcc_inputs_start(char *error, int size);
/* Removes them again. */
void emcc_inputs_stop(void);
/* Nonzero when this dissection of the frame runs with taps: what other
 * dissectors queued can be read. */
int emcc_inputs_tapped(packet_info *pinfo);
/* The frame's (first) TCP header as the tcp tap queued it; 0: none. */
int emcc_tapped_tcp(uint32_t *stream, uint32_t *flags, uint32_t *src_port, uint32_t *dst_port);
/* The idx-th buffer a follow tap queued this frame, NULL past the last:
 * which = 0 sip_follow (a SIP message tvb, maybe several messages),
 * 1 http_follow (header blocks and bodies), 2 udp_follow (UDP payloads),
 * 3 tcp_follow (TCP segment payloads). */
tvbuff_t *emcc_tapped_buffer(int which, int idx);
/* The idx-th HTTP message the http tap queued; 0 past the last. Strings are
 * Wireshark's, valid during the call, NULL when absent. */
int emcc_tapped_http(int idx, const char **method, uint32_t *code, const char **uri);

/* HTTP's own link of this frame's message (the last one, if several): the
 * frame of the request and of the response (0: not known), as HTTP keeps
 * them for http.request_in and http.response_in, from its first pass on
 * (packet-http.c push_req/push_res). 0 when HTTP kept none. */
int emcc_http_link(packet_info *pinfo, uint32_t *request_frame, uint32_t *response_frame);

/* A dissector in front of another: calls `original` as the table would,
 * then shows `observe` the tvb it was given; when the original throws, the
 * observer is called before the exception goes on (through C frames only). */
typedef struct emcc_wrapper {
    dissector_handle_t original;
    void (*observe)(void *user, tvbuff_t *tvb, packet_info *pinfo);
    void *user;
} emcc_wrapper;
/* Registers a wrapper of `wrapper->original` (a protocol in name only
 * under the original's, filter name `name`, shown as `title`); call while
 * protocols register. `wrapper`, `name` and `title` live for the process. */
dissector_handle_t emcc_register_wrapper(const char *name, const char *title, emcc_wrapper *wrapper);
/* Calls `routine` once at the end of this frame's dissection, whatever
 * happened in it (packet-frame.c calls frame end routines last). */
void emcc_on_frame_end(packet_info *pinfo, void (*routine)(void));

/* Sets the protocol Wireshark files this frame's expert infos (and its
 * current-protocol bookkeeping) under; returns the one it replaced. */
const char *emcc_set_current_proto(packet_info *pinfo, const char *static_name);

/* Statistics trees (Statistics menu, `-z abbr,tree`). */
#define EMCC_STATS_TREE_SLOTS 4
typedef struct _stats_tree stats_tree;
typedef struct emcc_stats_tree_callbacks {
    void *user;
    void (*init)(void *user, stats_tree *st);
    int (*packet)(void *user, stats_tree *st, uint32_t frame);  /* nonzero: redraw */
} emcc_stats_tree_callbacks;
/* Returns 0 when all slots are taken. */
int emcc_register_stats_tree(const char *tap, const char *abbr, const char *name,
                             const emcc_stats_tree_callbacks *callbacks);
int emcc_stats_tree_create_node(stats_tree *st, const char *name, int parent, int with_children);
int emcc_stats_tree_tick(stats_tree *st, const char *name, int parent, int with_children);

/* Sequence analyses (Statistics > Flow Graph, `tshark -z flow,NAME,network`):
 * one arrow per frame queued on the tap `tap`, as `arrow` describes it.
 * `arrow` fills `out` and returns nonzero for a frame that gets an arrow; its
 * strings need only live until it is called again (they are copied). */
#define EMCC_FLOW_GRAPH_SLOTS 2
typedef struct emcc_flow_arrow {
    const char *label;      /* above the arrow */
    const char *comment;    /* right of the ladder */
    uint16_t conversation;  /* tshark's text separates (and numbers) conversations */
    unsigned fg_color;      /* the row's text and arrow, 0xRRGGBB */
    unsigned bg_color;      /* the row's background */
} emcc_flow_arrow;
typedef struct emcc_flow_graph_callbacks {
    void *user;
    int (*arrow)(void *user, uint32_t frame, emcc_flow_arrow *out);
} emcc_flow_graph_callbacks;
/* Returns 0 when all slots are taken. `name`, `ui_name` and `tap` live for
 * the process; the callbacks are copied. */
int emcc_register_flow_graph(const char *name, const char *ui_name, int proto_id,
                             const char *tap, const emcc_flow_graph_callbacks *callbacks);

/* Reassembly by the calling protocol (TLS for decrypted application data): whether it
 * can reassemble, and asking it to call again from `offset` once `more` further bytes
 * are there (0: at least one more record or segment, length unknown). */
int emcc_can_desegment(const packet_info *pinfo);
void emcc_request_more(packet_info *pinfo, int offset, uint32_t more);

/* Another protocol's dissector registered under `key` in the string dissector table
 * `table` (e.g. "ber.syntax", "Certificate"); NULL when this Wireshark has none. */
dissector_handle_t emcc_find_string_handle(const char *table, const char *key);
/* Calls `handle` on bytes [offset, offset + length) of `tvb`, under `tree`. Returns what
 * it took, or -1 when an exception was caught (reported in err). */
int emcc_call_on_subset(dissector_handle_t handle, tvbuff_t *tvb, int offset, int length,
                        packet_info *pinfo, proto_tree *tree, emcc_error *err);

/* The frame's network source and destination addresses as text. */
void emcc_frame_addresses(const packet_info *pinfo, char *src, char *dst, int size);

/* Registration: the structures Wireshark keeps are allocated here, for the
 * life of the process, with HFILL/EXPFILL of the version built against.
 * Wireshark checks each definition and throws DissectorError on a bad one,
 * with no handler of its own around registration (an uncaught exception
 * aborts the program): these catch it, return 0 and say why in err. */
int emcc_register_field(int proto, int *p_id, const char *name, const char *abbrev, int type,
                        int display, const void *strings, uint64_t bitmask, const char *blurb,
                        emcc_error *err);
int emcc_register_expert(expert_module_t *module, expert_field *ids, const char *name,
                         int group, int severity, const char *summary, emcc_error *err);

/* What the headers compiled against say about layouts the Rust side also
 * selects by version (src/epan/version.rs): checked when the plugin loads. */
void emcc_abi_facts(int *bool_pref_size, int *ei_init);

#endif
