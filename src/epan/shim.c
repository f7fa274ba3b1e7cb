/*
 * C shim between the Rust plugin and libwireshark. See emcc_shim.h for why it
 * exists. Each wrapper runs the Wireshark call inside TRY/CATCH_ALL so that an
 * exception (a longjmp) ends here, in a C frame, and is reported to Rust as a
 * value.
 */
#include <string.h>

#include <epan/exceptions.h>
#include <epan/column-utils.h>
#include <epan/frame_data.h>
#include <epan/to_str.h>

#include "emcc_shim.h"

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

void emcc_col_append_info(packet_info *pinfo, const char *text)
{
    /* One space between what is there and our text: none when the column is
     * empty or already ends with a space (SIP leaves " | " behind). */
    const char *current = col_get_text(pinfo->cinfo, COL_INFO);
    size_t len = current ? strlen(current) : 0;
    if (len == 0 || current[len - 1] == ' ')
        col_append_str(pinfo->cinfo, COL_INFO, text);
    else
        col_append_sep_str(pinfo->cinfo, COL_INFO, " ", text);
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

/* field_info.value is an embedded fvalue_t up to 4.2 and a pointer from 4.4. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 4)
#define EMCC_FINFO_FVALUE(fi) ((fi)->value)
#else
#define EMCC_FINFO_FVALUE(fi) (&(fi)->value)
#endif

static int copy_hits(GPtrArray *found, emcc_field_hit *out, int max)
{
    int n = 0;
    guint i;

    for (i = 0; i < found->len && n < max; i++) {
        field_info *fi = (field_info *)g_ptr_array_index(found, i);
        if (fi == NULL || fi->hfinfo == NULL)
            continue;
        memset(&out[n], 0, sizeof out[n]);
        if (IS_FT_STRING(fi->hfinfo->type)) {
            out[n].string = fvalue_get_string(EMCC_FINFO_FVALUE(fi));
        } else if (IS_FT_UINT32(fi->hfinfo->type) || fi->hfinfo->type == FT_FRAMENUM) {
            out[n].uint = fvalue_get_uinteger(EMCC_FINFO_FVALUE(fi));
            out[n].has_uint = 1;
        }
        out[n].tvb = fi->ds_tvb;
        out[n].start = fi->start;
        out[n].length = fi->length;
        n++;
    }
    return n;
}

int emcc_find_fields(packet_info *pinfo, proto_tree *tree, int hf, const char *layer,
                     emcc_field_hit *out, int max)
{
    GPtrArray *found;
    int n;

    if (tree == NULL || hf < 0)
        return 0;
    found = proto_get_finfo_ptr_array(tree, hf);
    if (found != NULL && found->len > 0)
        return copy_hits(found, out, max);
    if (layer == NULL || !proto_is_frame_protocol(pinfo->layers, layer))
        return 0;
    found = proto_find_finfo(tree, hf);
    n = copy_hits(found, out, max);
    g_ptr_array_free(found, TRUE);
    return n;
}

void emcc_set_wanted_fields(dissector_handle_t handle, const int *ids, int count)
{
    /* Wireshark takes ownership of the array. */
    GArray *wanted = g_array_sized_new(FALSE, FALSE, (guint)sizeof(int), (guint)count);
    g_array_append_vals(wanted, ids, (guint)count);
    set_postdissector_wanted_hfids(handle, wanted);
}

void emcc_register_bool_pref(module_t *module, const char *name, const char *title,
                             const char *description, void *storage)
{
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
    prefs_register_bool_preference(module, name, title, description, (bool *)storage);
#else
    prefs_register_bool_preference(module, name, title, description, (gboolean *)storage);
#endif
}

void emcc_register_uint_pref(module_t *module, const char *name, const char *title,
                             const char *description, unsigned *storage)
{
    prefs_register_uint_preference(module, name, title, description, 10, storage);
}

void emcc_frame_addresses(const packet_info *pinfo, char *src, char *dst, int size)
{
    address_to_str_buf(&pinfo->net_src, src, size);
    address_to_str_buf(&pinfo->net_dst, dst, size);
}

void emcc_register_field(int proto, int *p_id, const char *name, const char *abbrev, int type,
                         int display, const void *strings, uint64_t bitmask, const char *blurb)
{
    /* Wireshark keeps a pointer to the header_field_info inside this array. */
    hf_register_info *hf = g_new0(hf_register_info, 1);
    hf_register_info init = {
        p_id, { name, abbrev, (enum ftenum)type, display, strings, bitmask, blurb, HFILL }
    };
    *hf = init;
    proto_register_field_array(proto, hf, 1);
}

void emcc_register_expert(expert_module_t *module, expert_field *ids, const char *name,
                          int group, int severity, const char *summary)
{
    /* Wireshark keeps a pointer to the expert_field_info inside this array. */
    ei_register_info *ei = g_new0(ei_register_info, 1);
    ei_register_info init = { ids, { name, group, severity, summary, EXPFILL } };
    *ei = init;
    expert_register_field_array(module, ei, 1);
}
