/*
 * Wireshark's sequence analysis (Statistics > Flow Graph, tshark
 * `-z flow,NAME,network`) as far as this plugin uses it.
 *
 * Debian's libwireshark-dev does not ship epan/sequence_analysis.h, so what
 * the plugin needs of it is declared here. libwireshark exports these
 * functions from 2.6 on (epan/sequence_analysis.h, WS_DLL_PUBLIC).
 *
 * The item and the analysis are allocated by Wireshark (the item by
 * sequence_analysis_create_sai_with_addresses): only the leading members the
 * plugin writes or reads are declared, and they must sit where the release
 * built against puts them. Between releases one thing moved: the item's
 * has_color_filter and display flags are gboolean (4 bytes) up to 4.2 and
 * bool (1 byte) from 4.4, which shifts every member after them
 * (epan/sequence_analysis.h of each release). Checked against Debian's
 * libwireshark of each release: sequence_analysis_use_color_filter() stores
 * has_color_filter at offset 0x6c with a 4-byte store in 4.0.17 and 4.2.2,
 * and a 1-byte store in 4.4.19 and 4.6.9; fg_color and bg_color at 0x64 and
 * 0x68 in all four. tests/flow_graph.rs reads the ladders back on each
 * release (tests/versions.sh), so a wrong offset fails there.
 */
#ifndef EMCC_SEQUENCE_ANALYSIS_H
#define EMCC_SEQUENCE_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>
#include <ws_version.h>
#include <epan/packet.h>
#include <epan/tap.h>

#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 4)
typedef bool emcc_seq_flag;
#else
typedef gboolean emcc_seq_flag;
#endif

/* The leading members of seq_analysis_item_t (struct _seq_analysis_item). */
typedef struct emcc_seq_item {
    uint32_t frame_number;
    address src_addr;
    uint16_t port_src;
    address dst_addr;
    uint16_t port_dst;
    char *frame_label;        /* above the arrow; g_free'd by Wireshark */
    char *time_str;
    char *comment;            /* right of the ladder; g_free'd by Wireshark */
    uint16_t conv_num;        /* rows of one conversation share a colour */
    unsigned fg_color;        /* 0xRRGGBB, used when has_color_filter */
    unsigned bg_color;
    emcc_seq_flag has_color_filter;
    emcc_seq_flag display;    /* drawn at all */
    unsigned src_node;
    unsigned dst_node;
    uint16_t line_style;
} emcc_seq_item;

/* The leading members of seq_analysis_info_t (struct _seq_analysis_info):
 * `any_addr` is gboolean up to 4.2 and bool from 4.4, but `nconv`, an int,
 * keeps `items` at the same offset either way. */
typedef struct emcc_seq_info {
    const char *name;
    emcc_seq_flag any_addr;
    int nconv;
    GQueue *items;            /* of seq_analysis_item_t, in frame order */
} emcc_seq_info;

struct _seq_analysis_info;
struct _seq_analysis_item;

WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name,
                                         const int proto_id, const char *tap_listener,
                                         unsigned tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC struct _seq_analysis_item *
sequence_analysis_create_sai_with_addresses(packet_info *pinfo,
                                            struct _seq_analysis_info *sainfo);

#endif
