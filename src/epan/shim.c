/*
 * C shim between the Rust plugin and libwireshark. See emcc_shim.h for why it
 * exists. Each wrapper runs the Wireshark call inside TRY/CATCH_ALL so that an
 * exception (a longjmp) ends here, in a C frame, and is reported to Rust as a
 * value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ws_version.h>
#include <epan/exceptions.h>
#include <epan/column-utils.h>
#include <epan/frame_data.h>
#include <epan/to_str.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/stats_tree.h>

#include "emcc_shim.h"

/* ---- Differences between Wireshark releases --------------------------- *
 * The C side of what src/epan/version.rs holds for Rust: names and layouts
 * that changed, selected by the headers this file is compiled against. */

#ifndef WIRESHARK_VERSION_MAJOR
#error "ws_version.h did not define WIRESHARK_VERSION_MAJOR"
#endif
#define EMCC_WS_AT_LEAST(major, minor)                                       \
    (WIRESHARK_VERSION_MAJOR > (major) ||                                    \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* field_info.value is an embedded fvalue_t in 4.0 and a pointer from 4.2. */
#if EMCC_WS_AT_LEAST(4, 2)
#define EMCC_FINFO_FVALUE(fi) ((fi)->value)
#else
#define EMCC_FINFO_FVALUE(fi) (&(fi)->value)
#endif

/* The field type tests were renamed from IS_FT_* to FT_IS_*. */
#ifndef FT_IS_STRING
#define FT_IS_STRING(ft) IS_FT_STRING(ft)
#define FT_IS_UINT32(ft) IS_FT_UINT32(ft)
#endif

/* A boolean preference is a gboolean up to 4.2 and a bool from 4.4; the
 * compiler checks this against the prototype in the headers. */
#if EMCC_WS_AT_LEAST(4, 4)
typedef bool emcc_bool_pref_t;
#else
typedef gboolean emcc_bool_pref_t;
#endif
_Static_assert(__builtin_types_compatible_p(
                   __typeof__(&prefs_register_bool_preference),
                   void (*)(module_t *, const char *, const char *, const char *,
                            emcc_bool_pref_t *)),
               "boolean preference type: fix the version table in shim.c and version.rs");

/* The statistics menu group of telephony statistics. */
#if EMCC_WS_AT_LEAST(4, 4)
#define EMCC_STAT_GROUP_TELEPHONY REGISTER_TELEPHONY_GROUP_UNSORTED
#else
#define EMCC_STAT_GROUP_TELEPHONY REGISTER_STAT_GROUP_TELEPHONY
#endif

/* From 4.2 the columns are also fields (_ws.col.info, which tshark's
 * `-e _ws.col.Info` now reads): col_dissect (epan/column-utils.c, declared in
 * column-info.h, not exported) adds them with proto_tree_add_string, called
 * from dissect_frame (epan/dissectors/packet-frame.c) just before
 * call_all_postdissectors, so the field holds a copy of Info taken before our
 * post-dissectors append to the column. Nothing exported re-reads the columns
 * into those fields, so after each append we set the field's value again:
 *
 * - 4.4 and later: fvalue_set_string, WS_DLL_PUBLIC in epan/ftypes/ftypes.h
 *   and exported by libwireshark (4.4.19, 4.6.9). It builds a new strbuf with
 *   the NULL allocator and frees the old one (ftypes.c fvalue_set_strbuf ->
 *   ftype-string.c string_fvalue_set_strbuf).
 * - 4.2: fvalue_set_string exists but is neither WS_DLL_PUBLIC nor exported
 *   (4.2.2's libwireshark). The value's buffer, which fvalue_get_strbuf
 *   (exported) hands out as const, is rewritten in place. Why that is safe on
 *   4.2 (source of 4.2.2):
 *   - ownership: proto_tree_add_string -> proto_tree_set_string (proto.c) ->
 *     fvalue_set_string (ftypes.c) stores wmem_strbuf_new(NULL, text): a
 *     g_malloc'd strbuf (fvalue_set_strbuf refuses any other allocator) that
 *     only this fvalue points to, freed with it (proto_tree_free_node in
 *     proto.c -> fvalue_free -> string_fvalue_free in ftype-string.c, when
 *     the tree is freed after the packet). Truncating and appending
 *     reallocate it with that same NULL allocator, as fvalue_set_string
 *     would: the buffer has one owner before and after.
 *   - nobody keeps the old text: the item has no label of its own (added
 *     with proto_tree_add_string, not a _format variant: the label is made
 *     from the value when printed, proto_item_fill_label); tshark's -e, -T
 *     json/pdml and -V (print.c: get_node_field_value,
 *     write_json_proto_node_value, proto_tree_print_node, all through
 *     fvalue_to_string_repr or proto_item_fill_label) and display filters
 *     (tshark.c: dfilter_apply_edt after epan_dissect_run returns) read the
 *     value after dissection; the primed field arrays
 *     (proto_get_finfo_ptr_array) hold field_info pointers, not strings.
 *     Only a post-dissector running before ours could read the text in
 *     between, and it would get the value as it then was (a Lua FieldInfo
 *     copies it into a Lua string).
 *   That is the same condition fvalue_set_string relies on from 4.4 (it
 *   frees the old buffer), checked by tests/info_field.rs on every release
 *   the suite runs on. */
#if EMCC_WS_AT_LEAST(4, 4)
static void refresh_strbuf(field_info *fi, const char *text)
{
    if (fi == NULL || fi->hfinfo == NULL || fi->hfinfo->type != FT_STRING)
        return;
    fvalue_set_string(EMCC_FINFO_FVALUE(fi), text);
}
#elif EMCC_WS_AT_LEAST(4, 2)
static void refresh_strbuf(field_info *fi, const char *text)
{
    wmem_strbuf_t *value;
    if (fi == NULL || fi->hfinfo == NULL || fi->hfinfo->type != FT_STRING)
        return;
    value = (wmem_strbuf_t *)fvalue_get_strbuf(EMCC_FINFO_FVALUE(fi));
    if (value == NULL)
        return;
    wmem_strbuf_truncate(value, 0);
    wmem_strbuf_append(value, text);
}
#endif

#if EMCC_WS_AT_LEAST(4, 2)
static void refresh_info_field(packet_info *pinfo, proto_tree *tree)
{
    GPtrArray *found;
    const char *text;
    guint i;
    /* Looked up each time: the column fields are registered again when the
     * column preferences change. */
    int hf = proto_registrar_get_id_byname("_ws.col.info");

    if (tree == NULL || hf < 0 || pinfo->cinfo == NULL)
        return;
    text = col_get_text(pinfo->cinfo, COL_INFO);
    if (text == NULL)
        return;
    /* Primed (a filter or -e names it): Wireshark indexed the item. */
    found = proto_get_finfo_ptr_array(tree, hf);
    if (found != NULL && found->len > 0) {
        for (i = 0; i < found->len; i++)
            refresh_strbuf((field_info *)g_ptr_array_index(found, i), text);
        return;
    }
    /* A full tree (-V, -T json, a selected packet) holds the item unindexed. */
    if (!PTREE_DATA(tree)->visible)
        return;
    found = proto_find_finfo(tree, hf);
    for (i = 0; i < found->len; i++)
        refresh_strbuf((field_info *)g_ptr_array_index(found, i), text);
    g_ptr_array_free(found, TRUE);
}
#define EMCC_REFRESH_INFO_FIELD(pinfo, tree) refresh_info_field((pinfo), (tree))
#else
#define EMCC_REFRESH_INFO_FIELD(pinfo, tree) ((void)(pinfo), (void)(tree))
#endif

/* Most bounds exceptions carry no message: name them from their code. */
static const char *exception_name(unsigned long code)
{
    switch (code) {
    case BoundsError: return "BoundsError: read past the captured data";
    case ContainedBoundsError: return "ContainedBoundsError: read past a contained item";
    case ReportedBoundsError: return "ReportedBoundsError: read past the end of the packet";
    case FragmentBoundsError: return "FragmentBoundsError";
    case TypeError: return "TypeError";
    case DissectorError: return "DissectorError";
    case ScsiBoundsError: return "ScsiBoundsError";
    case OutOfMemoryError: return "OutOfMemoryError";
    case ReassemblyError: return "ReassemblyError";
    default: return "unknown exception";
    }
}

static void record_exception(emcc_error *err, unsigned long code, const char *message)
{
    if (err == NULL)
        return;
    err->caught = 1;
    err->code = code;
    if (message == NULL || message[0] == '\0')
        message = exception_name(code);
    strncpy(err->message, message, sizeof err->message - 1);
    err->message[sizeof err->message - 1] = '\0';
}

/* Runs STATEMENT; a Wireshark exception is caught and recorded in err. */
#define GUARDED(err, STATEMENT)                                   \
    TRY {                                                         \
        STATEMENT;                                                \
    }                                                             \
    CATCH_ALL {                                                   \
        record_exception((err), EXCEPT_CODE, GET_MESSAGE);        \
    }                                                             \
    ENDTRY

uint32_t emcc_tvb_captured_length(tvbuff_t *tvb)
{
    return tvb_captured_length(tvb);
}

uint32_t emcc_tvb_reported_length(tvbuff_t *tvb)
{
    return tvb_reported_length(tvb);
}

int emcc_tvb_copy(tvbuff_t *tvb, int offset, int length, uint8_t *dst, emcc_error *err)
{
    volatile int ok = 0;
    GUARDED(err, {
        tvb_memcpy(tvb, dst, offset, length);
        ok = 1;
    });
    return ok;
}

tvbuff_t *emcc_new_data_source(tvbuff_t *parent, packet_info *pinfo, const uint8_t *bytes,
                               int length, const char *static_name, emcc_error *err)
{
    tvbuff_t *volatile tvb = NULL;
    GUARDED(err, {
        guint8 *copy = (guint8 *)wmem_memdup(pinfo->pool, bytes, (size_t)length);
        tvb = tvb_new_child_real_data(parent, copy, (guint)length, length);
        add_new_data_source(pinfo, tvb, static_name);
    });
    return tvb;
}

uint32_t emcc_frame_number(const packet_info *pinfo)
{
    return pinfo->num;
}

const char *emcc_match_string(const packet_info *pinfo)
{
    return pinfo->match_string;
}

int emcc_frame_visited(const packet_info *pinfo)
{
    return PINFO_FD_VISITED(pinfo) ? 1 : 0;
}

void emcc_frame_abs_time(const packet_info *pinfo, int64_t *secs, int32_t *nsecs)
{
    *secs = (int64_t)pinfo->abs_ts.secs;
    *nsecs = (int32_t)pinfo->abs_ts.nsecs;
}

void emcc_col_set_protocol(packet_info *pinfo, const char *static_name)
{
    col_set_str(pinfo->cinfo, COL_PROTOCOL, static_name);
}

void emcc_col_append_info(packet_info *pinfo, proto_tree *tree, const char *text)
{
    /* One space between what is there and our text: none when the column is
     * empty or already ends with a space (SIP leaves " | " behind). */
    const char *current = col_get_text(pinfo->cinfo, COL_INFO);
    size_t len = current ? strlen(current) : 0;
    if (len == 0 || current[len - 1] == ' ')
        col_append_str(pinfo->cinfo, COL_INFO, text);
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, " ", text);
    EMCC_REFRESH_INFO_FIELD(pinfo, tree);
}

proto_item *emcc_add_protocol(proto_tree *tree, int proto, tvbuff_t *tvb, int start, int length, emcc_error *err)
{
    proto_item *volatile item = NULL;
    GUARDED(err, item = proto_tree_add_item(tree, proto, tvb, start, length, ENC_NA));
    return item;
}

proto_item *emcc_add_string(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, const char *value, emcc_error *err)
{
    proto_item *volatile item = NULL;
    GUARDED(err, item = proto_tree_add_string(tree, hf, tvb, start, length, value));
    return item;
}

proto_item *emcc_add_uint(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, uint32_t value, emcc_error *err)
{
    proto_item *volatile item = NULL;
    GUARDED(err, item = proto_tree_add_uint(tree, hf, tvb, start, length, value));
    return item;
}

proto_item *emcc_add_boolean(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, int value, emcc_error *err)
{
    proto_item *volatile item = NULL;
    GUARDED(err, item = proto_tree_add_boolean(tree, hf, tvb, start, length, value ? 1 : 0));
    return item;
}

proto_item *emcc_add_bytes(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, const uint8_t *bytes, int nbytes, emcc_error *err)
{
    proto_item *volatile item = NULL;
    GUARDED(err, item = proto_tree_add_bytes_with_length(tree, hf, tvb, start, length, bytes, nbytes));
    return item;
}

proto_item *emcc_add_time(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, int64_t secs, int32_t nsecs, emcc_error *err)
{
    proto_item *volatile item = NULL;
    nstime_t value;
    value.secs = (time_t)secs;
    value.nsecs = nsecs;
    GUARDED(err, item = proto_tree_add_time(tree, hf, tvb, start, length, &value));
    return item;
}

proto_item *emcc_add_none(proto_tree *tree, int hf, tvbuff_t *tvb, int start, int length, const char *text, emcc_error *err)
{
    proto_item *volatile item = NULL;
    GUARDED(err, item = proto_tree_add_none_format(tree, hf, tvb, start, length, "%s", text));
    return item;
}

proto_tree *emcc_item_add_subtree(proto_item *item, int ett, emcc_error *err)
{
    proto_tree *volatile subtree = NULL;
    GUARDED(err, subtree = proto_item_add_subtree(item, ett));
    return subtree;
}

void emcc_item_set_generated(proto_item *item)
{
    proto_item_set_generated(item);
}

void emcc_item_set_hidden(proto_item *item)
{
    proto_item_set_hidden(item);
}

void emcc_item_append_text(proto_item *item, const char *text, emcc_error *err)
{
    GUARDED(err, proto_item_append_text(item, "%s", text));
}

void emcc_expert_add(packet_info *pinfo, proto_item *item, expert_field *ei, const char *message, emcc_error *err)
{
    GUARDED(err, expert_add_info_format(pinfo, item, ei, "%s", message));
}

proto_item *emcc_add_expert(proto_tree *tree, packet_info *pinfo, expert_field *ei, tvbuff_t *tvb, int start, int length, const char *message, emcc_error *err)
{
    proto_item *volatile item = NULL;
    GUARDED(err, item = proto_tree_add_expert_format(tree, pinfo, ei, tvb, start, length, "%s", message));
    return item;
}

/* Counts the usable hits of `found` and copies those from index `first` on
 * into `out`, at most `max` of them. Returns the count of all usable hits. */
static int copy_hits(const GPtrArray *found, int first, emcc_field_hit *out, int max)
{
    int n = 0;
    guint i;

    for (i = 0; i < found->len; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(found, i);
        emcc_field_hit *hit;
        int index;
        if (fi == NULL || fi->hfinfo == NULL)
            continue;
        index = n++;
        if (index < first || index - first >= max)
            continue;
        hit = &out[index - first];
        memset(hit, 0, sizeof *hit);
        if (FT_IS_STRING(fi->hfinfo->type)) {
            hit->string = fvalue_get_string(EMCC_FINFO_FVALUE(fi));
        } else if (FT_IS_UINT32(fi->hfinfo->type) || fi->hfinfo->type == FT_FRAMENUM) {
            hit->uint = fvalue_get_uinteger(EMCC_FINFO_FVALUE(fi));
            hit->has_uint = 1;
        }
        hit->tvb = fi->ds_tvb;
        hit->start = fi->start;
        hit->length = fi->length;
    }
    return n;
}

int emcc_find_fields(packet_info *pinfo, proto_tree *tree, int hf, const char *layer,
                     int first, emcc_field_hit *out, int max, emcc_error *err)
{
    volatile int n = 0;
    GPtrArray *volatile searched = NULL;
    GPtrArray *found;

    if (tree == NULL || hf < 0 || first < 0 || max < 0)
        return 0;
    /* The primed array is a hash table lookup (proto_get_finfo_ptr_array)
     * and copying reads values: nothing there throws, and this path runs
     * for every wanted field of every frame, so it takes no TRY (a setjmp). */
    found = proto_get_finfo_ptr_array(tree, hf);
    if (found != NULL && found->len > 0)
        return copy_hits(found, first, out, max);
    /* On a frame's first pass the wanted fields are primed: absent from the
     * array means absent from the frame, and searching the tree (costly, for
     * every absent field of every frame) would find nothing more. So the
     * tree is searched on later passes only, and only when the frame carries
     * `layer`. proto_is_frame_protocol names each layer's protocol through
     * a DISSECTOR_ASSERT: an exception must end here and not in Rust. */
    if (!pinfo->fd->visited || layer == NULL)
        return 0;
    GUARDED(err, {
        if (proto_is_frame_protocol(pinfo->layers, layer)) {
            searched = proto_find_finfo(tree, hf);
            n = copy_hits(searched, first, out, max);
        }
    });
    if (searched != NULL)
        g_ptr_array_free(searched, TRUE);
    /* n stays 0 when an exception cut the copy short. */
    return n;
}

void emcc_set_wanted_fields(dissector_handle_t handle, const int *ids, int count)
{
    /* Wireshark takes ownership of the array (and frees the one it had);
     * NULL clears the list (epan/packet.h), so that no field is wanted. */
    GArray *wanted = NULL;
    if (count > 0) {
        wanted = g_array_sized_new(FALSE, FALSE, (guint)sizeof(int), (guint)count);
        g_array_append_vals(wanted, ids, (guint)count);
    }
    set_postdissector_wanted_hfids(handle, wanted);
}

void emcc_register_bool_pref(module_t *module, const char *name, const char *title,
                             const char *description, void *storage)
{
    prefs_register_bool_preference(module, name, title, description,
                                   (emcc_bool_pref_t *)storage);
}

void emcc_register_uint_pref(module_t *module, const char *name, const char *title,
                             const char *description, unsigned *storage)
{
    prefs_register_uint_preference(module, name, title, description, 10, storage);
}

int emcc_can_desegment(const packet_info *pinfo)
{
    return pinfo->can_desegment > 0 ? 1 : 0;
}

void emcc_request_more(packet_info *pinfo, int offset, uint32_t more)
{
    pinfo->desegment_offset = offset;
    pinfo->desegment_len = more > 0 ? more : DESEGMENT_ONE_MORE_SEGMENT;
}

dissector_handle_t emcc_find_string_handle(const char *table, const char *key)
{
    dissector_table_t found = find_dissector_table(table);
    return found != NULL ? dissector_get_string_handle(found, key) : NULL;
}

int emcc_call_on_subset(dissector_handle_t handle, tvbuff_t *tvb, int offset, int length,
                        packet_info *pinfo, proto_tree *tree, emcc_error *err)
{
    volatile int taken = -1;
    GUARDED(err, {
        tvbuff_t *part = tvb_new_subset_length(tvb, offset, length);
        taken = call_dissector_only(handle, part, pinfo, tree, NULL);
    });
    return taken;
}

void emcc_frame_addresses(const packet_info *pinfo, char *src, char *dst, int size)
{
    address_to_str_buf(&pinfo->net_src, src, size);
    address_to_str_buf(&pinfo->net_dst, dst, size);
}

/* A bad definition makes Wireshark throw DissectorError (proto.c's checks of
 * each field, expert.c's of each expert info, via REPORT_DISSECTOR_BUG). The
 * only handler is the one epan_init (epan/epan.c) puts around all
 * registration: reaching it would unwind through the Rust frames that called
 * us and fail Wireshark's start-up as a whole. Caught here instead, the
 * plugin reports it and the rest of Wireshark starts. */
int emcc_register_field(int proto, int *p_id, const char *name, const char *abbrev, int type,
                        int display, const void *strings, uint64_t bitmask, const char *blurb,
                        emcc_error *err)
{
    volatile int ok = 0;
    /* Wireshark keeps a pointer to the header_field_info inside this array. */
    hf_register_info *hf = g_new0(hf_register_info, 1);
    hf_register_info init = {
        p_id, { name, abbrev, (enum ftenum)type, display, strings, bitmask, blurb, HFILL }
    };
    *hf = init;
    GUARDED(err, {
        proto_register_field_array(proto, hf, 1);
        ok = 1;
    });
    return ok;
}

int emcc_register_expert(expert_module_t *module, expert_field *ids, const char *name,
                         int group, int severity, const char *summary, emcc_error *err)
{
    volatile int ok = 0;
    /* Wireshark keeps a pointer to the expert_field_info inside this array. */
    ei_register_info *ei = g_new0(ei_register_info, 1);
    ei_register_info init = { ids, { name, group, severity, summary, EXPFILL } };
    *ei = init;
    GUARDED(err, {
        expert_register_field_array(module, ei, 1);
        ok = 1;
    });
    return ok;
}

void emcc_register_string_pref(module_t *module, const char *name, const char *title,
                               const char *description, const char **storage)
{
    /* Wireshark replaces *storage with its own copy, now and on every change. */
    prefs_register_string_preference(module, name, title, description, storage);
}

/* ---- Taps ------------------------------------------------------------- */

int emcc_register_tap(const char *name)
{
    return register_tap(name);
}

void emcc_tap_queue(int tap_id, packet_info *pinfo)
{
    /* Listeners of our taps read the frame's record from the plugin by frame
     * number; the data pointer only has to be non-NULL and live. */
    static const int marker = 1;
    /* As Wireshark's own dissectors do: nothing is queued (and every tap
     * listener's loop over the queue stays short) while no one listens. */
    if (!have_tap_listener(tap_id))
        return;
    tap_queue_packet(tap_id, pinfo, &marker);
}

static void listener_reset(void *tapdata)
{
    emcc_tap_listener *l = (emcc_tap_listener *)tapdata;
    if (l->reset != NULL)
        l->reset(l->user);
}

static tap_packet_status listener_packet(void *tapdata, packet_info *pinfo,
                                         epan_dissect_t *edt _U_, const void *data _U_,
                                         tap_flags_t flags _U_)
{
    emcc_tap_listener *l = (emcc_tap_listener *)tapdata;
    if (l->packet == NULL)
        return TAP_PACKET_DONT_REDRAW;
    return l->packet(l->user, pinfo->num) ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static void listener_draw(void *tapdata)
{
    emcc_tap_listener *l = (emcc_tap_listener *)tapdata;
    if (l->draw != NULL)
        l->draw(l->user);
}

int emcc_register_tap_listener(const char *tap, emcc_tap_listener *listener, char *error, int size)
{
    GString *message = register_tap_listener(tap, listener, NULL, 0, listener_reset,
                                             listener_packet, listener_draw, NULL);
    if (message == NULL)
        return 1;
    if (error != NULL && size > 0) {
        strncpy(error, message->str, (size_t)size - 1);
        error[size - 1] = '\0';
    }
    g_string_free(message, TRUE);
    return 0;
}

typedef struct cli_statistic {
    int (*init)(const char *argument, void *user);
    void *user;
} cli_statistic;

/* The -z init callback says whether it succeeded from 4.6 on, and tshark
 * then stops with an error itself. Before 4.6 it returns nothing and a
 * statistic that cannot start ends tshark (exit status 1) after saying why,
 * as Wireshark's own statistics of those releases do (ui/cli/tap-*.c). */
#if EMCC_WS_AT_LEAST(4, 6)
static bool cli_statistic_init(const char *argument, void *data)
{
    cli_statistic *statistic = (cli_statistic *)data;
    return statistic->init(argument, statistic->user) != 0;
}
#else
static void cli_statistic_init(const char *argument, void *data)
{
    cli_statistic *statistic = (cli_statistic *)data;
    if (!statistic->init(argument, statistic->user))
        exit(1);
}
#endif

void emcc_register_cli_statistic(const char *cli_string, const char *title,
                                 int (*init)(const char *argument, void *user), void *user)
{
    /* Wireshark keeps the pointers: allocate them for the life of the process. */
    stat_tap_ui *ui = g_new0(stat_tap_ui, 1);
    cli_statistic *statistic = g_new0(cli_statistic, 1);
    statistic->init = init;
    statistic->user = user;
    ui->group = EMCC_STAT_GROUP_TELEPHONY;
    ui->title = title;
    ui->cli_string = cli_string;
    ui->tap_init_cb = cli_statistic_init;
    ui->nparams = 0;
    ui->params = NULL;
    register_stat_tap_ui(ui, statistic);
}

/* ---- Statistics trees ------------------------------------------------- *
 * stats_tree callbacks carry no user data, so each registered tree gets its
 * own pair of adapters, bound to a slot. */

static emcc_stats_tree_callbacks stats_slots[EMCC_STATS_TREE_SLOTS];

#define STATS_ADAPTERS(N)                                                        \
    static void stats_init_##N(stats_tree *st)                                   \
    {                                                                            \
        stats_slots[N].init(stats_slots[N].user, st);                           \
    }                                                                            \
    static tap_packet_status stats_packet_##N(stats_tree *st, packet_info *pinfo, \
                                              epan_dissect_t *edt _U_,           \
                                              const void *data _U_,              \
                                              tap_flags_t flags _U_)             \
    {                                                                            \
        return stats_slots[N].packet(stats_slots[N].user, st, pinfo->num)        \
                   ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;                 \
    }

STATS_ADAPTERS(0)
STATS_ADAPTERS(1)
STATS_ADAPTERS(2)
STATS_ADAPTERS(3)

int emcc_register_stats_tree(const char *tap, const char *abbr, const char *name,
                             const emcc_stats_tree_callbacks *callbacks)
{
    static int used = 0;
    stat_tree_init_cb inits[EMCC_STATS_TREE_SLOTS] = {
        stats_init_0, stats_init_1, stats_init_2, stats_init_3 };
    stat_tree_packet_cb packets[EMCC_STATS_TREE_SLOTS] = {
        stats_packet_0, stats_packet_1, stats_packet_2, stats_packet_3 };

    if (used >= EMCC_STATS_TREE_SLOTS)
        return 0;
    stats_slots[used] = *callbacks;
    stats_tree_register_plugin(tap, abbr, name, 0, packets[used], inits[used], NULL);
    used++;
    return 1;
}

int emcc_stats_tree_create_node(stats_tree *st, const char *name, int parent, int with_children)
{
    return stats_tree_create_node(st, name, parent, STAT_DT_INT, with_children);
}

int emcc_stats_tree_tick(stats_tree *st, const char *name, int parent, int with_children)
{
    return stats_tree_manip_node_int(MN_INCREASE, st, name, parent, with_children, 1);
}

void emcc_abi_facts(int *bool_pref_size, int *ei_init)
{
    expert_field init = EI_INIT;
    *bool_pref_size = (int)sizeof(emcc_bool_pref_t);
    *ei_init = init.ei;
}

int emcc_field_is_referenced(proto_tree *tree, int hf)
{
    return tree != NULL && proto_field_is_referenced(tree, hf);
}

int emcc_protocol_id(const char *filter_name)
{
    return proto_get_id_by_filter_name(filter_name);
}

int emcc_frame_layers(const packet_info *pinfo, int *proto_ids, int max,
                      const uint64_t *interesting, int *hit)
{
    wmem_list_frame_t *frame;
    int count = 0;
    uint64_t found = 0;

    *hit = 0;
    if (pinfo->layers == NULL)
        return -1;
    for (frame = wmem_list_head(pinfo->layers); frame != NULL; frame = wmem_list_frame_next(frame)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(frame));
        /* Bit id % 1024 of 16 words, as layers.rs `bitmap_place`; or'ed in
         * without a branch on it (which layer is ours is not predictable). */
        unsigned at = (unsigned)id % 1024u;
        if (interesting != NULL)
            found |= (interesting[at / 64u] >> (at % 64u)) & 1u;
        if (count < max)
            proto_ids[count] = id;
        count++;
    }
    *hit = found != 0;
    return count;
}

int emcc_protocol_enabled(int proto_id)
{
    protocol_t *protocol = find_protocol_by_id(proto_id);
    return protocol == NULL || proto_is_protocol_enabled(protocol);
}

int emcc_frame_tcp_ports(const packet_info *pinfo, uint32_t *src, uint32_t *dst)
{
    if (pinfo->ptype != PT_TCP)
        return 0;
    *src = pinfo->srcport;
    *dst = pinfo->destport;
    return 1;
}

void emcc_write_stdout(const char *text)
{
    fputs(text, stdout);
}

void emcc_write_stderr(const char *text)
{
    fputs(text, stderr);
}

const char *emcc_set_current_proto(packet_info *pinfo, const char *static_name)
{
    /* expert.c files each expert info under pinfo->current_proto, which
     * call_dissector_work sets from a handle's protocol; our post-dissectors
     * run from one handle that has none, so each member sets its own. */
    const char *previous = pinfo->current_proto;
    pinfo->current_proto = static_name;
    return previous;
}

/* ---- Inputs from other protocols' taps -------------------------------- */
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-http.h>
#include <epan/proto_data.h>

/* The follow taps queue their buffers only while someone listens
 * (packet-sip.c, packet-http.c, packet-udp.c: have_tap_listener before
 * tap_queue_packet); tcp and http queue theirs whenever tapping is on. */
static const char *const followed[] = {"sip_follow", "http_follow", "udp_follow", "tcp_follow"};
#define EMCC_FOLLOWED 4
/* tcp_follow queues a struct whose first member is the segment's payload
 * tvb (tcp_follow_tap_data_t, private to packet-tcp.c; the same first
 * member from 4.0 to 4.6). */
#define EMCC_FOLLOWED_TCP 3
/* One listener per followed tap; its address names it for removal. */
static int follow_listener[EMCC_FOLLOWED];
static int follow_tap[EMCC_FOLLOWED] = {-1, -1, -1, -1};
static int tcp_tap = -1, http_tap = -1, probe_tap = -1;
static int inputs_on = 0;

int emcc_inputs_start(char *error, int size)
{
    int i;
    if (inputs_on)
        return 1;
    if (probe_tap < 0)
        probe_tap = register_tap("emcc_inputs_probe");
    tcp_tap = find_tap_id("tcp");
    http_tap = find_tap_id("http");
    for (i = 0; i < EMCC_FOLLOWED; i++) {
        GString *message = register_tap_listener(followed[i], &follow_listener[i], NULL,
                                                 TL_IS_DISSECTOR_HELPER, NULL, NULL, NULL, NULL);
        if (message != NULL) {
            if (error != NULL && size > 0) {
                strncpy(error, message->str, (size_t)size - 1);
                error[size - 1] = '\0';
            }
            g_string_free(message, TRUE);
            while (i-- > 0)
                remove_tap_listener(&follow_listener[i]);
            return 0;
        }
        follow_tap[i] = find_tap_id(followed[i]);
    }
    inputs_on = 1;
    return 1;
}

void emcc_inputs_stop(void)
{
    int i;
    if (!inputs_on)
        return;
    for (i = 0; i < EMCC_FOLLOWED; i++)
        remove_tap_listener(&follow_listener[i]);
    inputs_on = 0;
}

int emcc_inputs_tapped(packet_info *pinfo)
{
    /* Taps are on for this dissection when what we queue can be fetched
     * back (epan/tap.c: tap_queue_packet and fetch_tapped_data do nothing
     * while tapping is off, as in a dissection without taps). */
    static const int probe = 1;
    if (!inputs_on || probe_tap < 0)
        return 0;
    if (fetch_tapped_data(probe_tap, 0) == &probe)
        return 1;
    tap_queue_packet(probe_tap, pinfo, &probe);
    return fetch_tapped_data(probe_tap, 0) == &probe;
}

int emcc_tapped_tcp(uint32_t *stream, uint32_t *flags, uint32_t *src_port, uint32_t *dst_port)
{
    const struct tcpheader *tcph;
    if (tcp_tap < 0)
        return 0;
    tcph = (const struct tcpheader *)fetch_tapped_data(tcp_tap, 0);
    if (tcph == NULL)
        return 0;
    *stream = tcph->th_stream;
    *flags = tcph->th_flags;
    *src_port = tcph->th_sport;
    *dst_port = tcph->th_dport;
    return 1;
}

tvbuff_t *emcc_tapped_buffer(int which, int idx)
{
    const void *data;
    if (which < 0 || which >= EMCC_FOLLOWED || follow_tap[which] < 0)
        return NULL;
    data = fetch_tapped_data(follow_tap[which], idx);
    if (data != NULL && which == EMCC_FOLLOWED_TCP)
        return *(tvbuff_t *const *)data;
    return (tvbuff_t *)data;
}

int emcc_tapped_http(int idx, const char **method, uint32_t *code, const char **uri)
{
    const http_info_value_t *info;
    if (http_tap < 0)
        return 0;
    info = (const http_info_value_t *)fetch_tapped_data(http_tap, idx);
    if (info == NULL)
        return 0;
    *method = info->request_method;
    *code = info->response_code;
    *uri = info->request_uri;
    return 1;
}

static int wrapper_dissect(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data,
                           void *cb_data)
{
    emcc_wrapper *wrapper = (emcc_wrapper *)cb_data;
    volatile int taken = 0;
    TRY {
        taken = call_dissector_only(wrapper->original, tvb, pinfo, tree, data);
    }
    CATCH_ALL {
        /* The original gave up part way (a frame the capture cut short):
         * what it showed before that is still ours to read. The observer
         * returns normally (it catches its own panics); the exception then
         * goes on its way as if we were not here. */
        wrapper->observe(wrapper->user, tvb, pinfo);
        RETHROW;
    }
    ENDTRY;
    wrapper->observe(wrapper->user, tvb, pinfo);
    return taken;
}

dissector_handle_t emcc_register_wrapper(const char *name, const char *title, emcc_wrapper *wrapper)
{
    /* A dissector table only takes a handle with a protocol (Decode As
     * lists it by name). A protocol "in name only" under the original's
     * (proto.c) adds no layer and no current protocol of its own
     * (packet.c call_dissector_work: proto_is_pino), so frame.protocols and
     * expert infos stay the original's, and it is enabled exactly when the
     * original's protocol is. */
    int parent = dissector_handle_get_protocol_index(wrapper->original);
    int proto = proto_register_protocol_in_name_only(title, title, name, parent, FT_PROTOCOL);
    return register_dissector_with_data(name, wrapper_dissect, proto, wrapper);
}

void emcc_on_frame_end(packet_info *pinfo, void (*routine)(void))
{
    /* What register_frame_end_routine (packet-frame.c, not exported by
     * libwireshark) does: the frame dissector calls each routine on this
     * public list after the post-dissectors, and empties it. */
    pinfo->frame_end_routines = g_slist_append(pinfo->frame_end_routines, (gpointer)routine);
}

/* The head of HTTP's per-frame request/response record: the same three
 * numbers lead http_req_res_t from 4.0 (packet-http.h) to 4.6, where the
 * record also lives under key 0 (HTTP_PROTO_DATA_REQRES). */
typedef struct emcc_http_req_res_head {
    uint32_t number;
    uint32_t req_framenum;
    uint32_t res_framenum;
} emcc_http_req_res_head;

int emcc_http_link(packet_info *pinfo, uint32_t *request_frame, uint32_t *response_frame)
{
    static int proto_http = -2;
    const emcc_http_req_res_head *head;
    if (proto_http == -2)
        proto_http = proto_get_id_by_filter_name("http");
    if (proto_http < 0)
        return 0;
    head = (const emcc_http_req_res_head *)p_get_proto_data(wmem_file_scope(), pinfo, proto_http, 0);
    if (head == NULL)
        return 0;
    *request_frame = head->req_framenum;
    *response_frame = head->res_framenum;
    return 1;
}

int emcc_frame_udp_ports(const packet_info *pinfo, uint32_t *src, uint32_t *dst)
{
    if (pinfo->ptype != PT_UDP)
        return 0;
    *src = pinfo->srcport;
    *dst = pinfo->destport;
    return 1;
}

tvbuff_t *emcc_data_source_named(packet_info *pinfo, const char *name)
{
    /* 4.6 replaced get_data_source_tvb_by_name with get_data_source_by_name
     * (epan/packet.h). */
#if EMCC_WS_AT_LEAST(4, 6)
    struct data_source *source = get_data_source_by_name(pinfo, name);
    return source == NULL ? NULL : get_data_source_tvb(source);
#else
    return get_data_source_tvb_by_name(pinfo, name);
#endif
}
