/*
 * Sequence analyses: the plugin's ladders in Wireshark's Flow Graph and in
 * tshark's `-z flow,NAME,network|standard`. Kept apart from shim.c because
 * it is compiled against the plugin's own declaration of Wireshark's
 * sequence analysis structures (wireshark-headers/emcc_sequence_analysis.h),
 * which Debian's headers lack.
 *
 * Nothing here can throw: the items are built from values Rust hands over,
 * with glib's allocator, as Wireshark's own analyses build theirs
 * (packet-tcp.c tcp_seq_analysis_packet): Wireshark frees them
 * (sequence_analysis_list_free, g_free on frame_label, time_str, comment).
 */
#include <glib.h>

#include "emcc_shim.h"
#include "emcc_sequence_analysis.h"

/* A tap packet callback carries no user data but the analysis itself (a
 * seq_analysis_info_t tshark or the Flow Graph made), so each registered
 * graph gets its own adapter, bound to a slot. */
static emcc_flow_graph_callbacks flow_slots[EMCC_FLOW_GRAPH_SLOTS];

static tap_packet_status flow_packet(int slot, void *tapdata, packet_info *pinfo)
{
    emcc_seq_info *sainfo = (emcc_seq_info *)tapdata;
    emcc_flow_arrow arrow = {0};
    emcc_seq_item *sai;

    if (!flow_slots[slot].arrow(flow_slots[slot].user, pinfo->num, &arrow))
        return TAP_PACKET_DONT_REDRAW;
    /* NULL when the frame has no addresses of the kind asked (network or
     * any), as for Wireshark's own analyses. */
    sai = (emcc_seq_item *)sequence_analysis_create_sai_with_addresses(
        pinfo, (struct _seq_analysis_info *)sainfo);
    if (!sai)
        return TAP_PACKET_DONT_REDRAW;
    sai->frame_number = pinfo->num;
    sai->port_src = (uint16_t)pinfo->srcport;
    sai->port_dst = (uint16_t)pinfo->destport;
    sai->frame_label = g_strdup(arrow.label ? arrow.label : "");
    sai->comment = g_strdup(arrow.comment ? arrow.comment : "");
    sai->conv_num = arrow.conversation;
    /* Our colours, not the conversation's: the Flow Graph draws a row in
     * fg_color on bg_color when has_color_filter is set (and View > Colorize
     * Packet List is on), else in a strong colour per conversation, against
     * which a failure would not stand out (ui/qt/sequence_diagram.cpp). */
    sai->has_color_filter = 1;
    sai->fg_color = arrow.fg_color;
    sai->bg_color = arrow.bg_color;
    sai->line_style = 1;
    sai->display = 1;
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

#define FLOW_ADAPTER(N)                                                          \
    static tap_packet_status flow_packet_##N(void *tapdata, packet_info *pinfo,  \
                                             epan_dissect_t *edt _U_,            \
                                             const void *data _U_,               \
                                             tap_flags_t flags _U_)              \
    {                                                                            \
        return flow_packet(N, tapdata, pinfo);                                   \
    }

FLOW_ADAPTER(0)
FLOW_ADAPTER(1)

int emcc_register_flow_graph(const char *name, const char *ui_name, int proto_id,
                             const char *tap, const emcc_flow_graph_callbacks *callbacks)
{
    static int used = 0;
    tap_packet_cb packets[EMCC_FLOW_GRAPH_SLOTS] = { flow_packet_0, flow_packet_1 };

    if (used >= EMCC_FLOW_GRAPH_SLOTS)
        return 0;
    flow_slots[used] = *callbacks;
    /* Our taps queue nothing a listener needs a tree for (the records live on
     * the Rust side): no TL_REQUIRES_* flag. */
    register_seq_analysis(name, ui_name, proto_id, tap, 0, packets[used]);
    used++;
    return 1;
}
