/*
** design_note.c -- a design record (dm_design_record) as one sentence for
** people: what the design was asked for and how close to the optimum it
** is.  The ONNX doc_string says it (onnx_meta.c), and `deepmad export
** --format torch` of a design file puts it in the module's docstring.
** Numbers: budgets exact, rho0 and a latency budget in the shortest form
** that reads back, the outcome to 6 significant digits; '.' whatever the
** locale (buf.h).
*/
#include "buf.h"

#define DIGITS 6

dm_status dm_design_record_note(const dm_design_record *r, char **out_text, dm_error *err) {
    if (!out_text) return DM_FAIL(err, DM_ERR_INVALID, "dm_design_record_note needs an output");
    *out_text = NULL;
    dm_status s = dm_design_record_check(r, err);
    if (s) return s;
    dmi_buf b = {0};
    if (!r->present) {
        dmi_buf_printf(&b, "%s", "");
        return dmi_buf_finish(&b, out_text, err);
    }
    dmi_buf_printf(&b, "Designed by deepmad design (%s%s, %s space, %d px, %d classes) under rho <= ",
                   dm_block_kind_name(r->family), r->se ? " + SE" : "",
                   r->space < 0 ? "custom" : dm_space_name((dm_space)r->space),
                   (int)r->input_size, (int)r->classes);
    dmi_buf_double(&b, r->rho0);
    if (r->max_macs) dmi_buf_printf(&b, ", MACs <= %lld", (long long)r->max_macs);
    if (r->max_params) dmi_buf_printf(&b, ", params <= %lld", (long long)r->max_params);
    if (r->max_layers) dmi_buf_printf(&b, ", main-path layers <= %d", (int)r->max_layers);
    if (r->max_peak_activation)
        dmi_buf_printf(&b, ", peak activation <= %lld", (long long)r->max_peak_activation);
    if (r->max_latency_ms > 0) {
        dmi_buf_printf(&b, ", predicted latency <= ");
        dmi_buf_double(&b, r->max_latency_ms);
        dmi_buf_printf(&b, " ms");
    }
    dmi_buf_printf(&b, ": objective ");
    dmi_buf_double_sig(&b, r->objective, DIGITS);
    dmi_buf_printf(&b, ", bound ");
    dmi_buf_double_sig(&b, r->bound, DIGITS);
    dmi_buf_printf(&b, ", gap ");
    dmi_buf_double_sig(&b, r->gap, DIGITS);
    dmi_buf_printf(&b, " (%s).", r->optimal ? "proven optimal" : "not proven optimal");
    return dmi_buf_finish(&b, out_text, err);
}
