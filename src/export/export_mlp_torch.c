/*
** export_mlp_torch.c -- dm_mlp -> one self-contained PyTorch source file
** (needs only torch): an nn.Module whose `layers` ModuleList holds the
** nn.Linear layers, so the state_dict keys are layers.<i>.weight and
** layers.<i>.bias, the names export_mlp_onnx.c gives its initializers.
** The activation follows every layer but the last.  export_torch.c's
** class-name check and docstring helpers are static there; the small
** versions here are this file's own.
*/
#include "buf.h"
#include "mlp.h"
#include "pytext.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const act_module[] = {"nn.ReLU()", "nn.ReLU6()", "nn.SiLU()"}; /* ORDER DM_ACT */
_Static_assert(DM_COUNTOF(act_module) == DM_ACT_COUNT, "ORDER DM_ACT");

static void write_doc(dmi_buf *b, const dm_mlp *m, const dm_mlp_metrics *x,
                      const dm_torch_options *opt) {
    dmi_buf_printf(b, "\"\"\"A %d-layer MLP written by deepmad %s.\n", m->n_layers, DM_VERSION);
    if (opt && opt->source) { dmi_buf_printf(b, "\nSource: "); dmi_py_doc_text(b, opt->source); dmi_buf_printf(b, "\n"); }
    if (opt && opt->notes) { dmi_buf_printf(b, "\n"); dmi_py_doc_text(b, opt->notes); dmi_buf_printf(b, "\n"); }
    dmi_buf_printf(b, "\nMetrics (as `deepmad analyze` reports them):\n"
                      "    params            %" PRId64 "\n    MACs              %" PRId64 "\n"
                      "    layers            %d\n    rho               ",
                   x->params, x->macs, (int)x->layers);
    dmi_buf_double(b, x->rho);
    dmi_buf_printf(b, "\n    entropy           ");
    dmi_buf_double(b, x->entropy);
    dmi_buf_printf(b, "\n\nInput (N, %d), output (N, %d).  state_dict keys: layers.<i>.weight,\n"
                      "layers.<i>.bias (the ONNX export's initializer names).\n\"\"\"\n"
                      "import torch\nfrom torch import nn\n\n\n",
                   m->in_features, m->out_features);
}

static void write_class(dmi_buf *b, const dm_mlp *m, const char *cls) {
    dmi_buf_printf(b, "class %s(nn.Module):\n"
                      "    def __init__(self):\n"
                      "        super().__init__()\n"
                      "        self.layers = nn.ModuleList([\n", cls);
    for (int32_t i = 1; i <= m->n_layers; i++)
        dmi_buf_printf(b, "            nn.Linear(%d, %d, bias=%s),\n", dmi_mlp_width(m, i),
                       dmi_mlp_width(m, i + 1), m->bias ? "True" : "False");
    dmi_buf_printf(b, "        ])\n"
                      "        self.act = %s\n\n"
                      "    def forward(self, x):\n"
                      "        for i, layer in enumerate(self.layers):\n"
                      "            x = layer(x)\n"
                      "            if i + 1 < len(self.layers):\n"
                      "                x = self.act(x)\n"
                      "        return x\n", act_module[m->act]);
}

dm_status dm_export_mlp_torch(const dm_mlp *m, const dm_torch_options *opt, char **out_src,
                              dm_error *err) {
    if (!out_src) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_mlp_torch needs an output");
    *out_src = NULL;
    if (!m) return DM_FAIL(err, DM_ERR_INVALID, "dm_export_mlp_torch needs an MLP");
    dm_mlp_metrics x;
    dm_status s = dm_mlp_metrics_of(m, &x, err);
    const char *cls = opt && opt->class_name ? opt->class_name : "DeepMADMLP";
    if (!s) s = dmi_py_check_class_name(cls, NULL, 0, err);
    if (s) return s;
    dmi_buf b = {0};
    write_doc(&b, m, &x, opt);
    write_class(&b, m, cls);
    return dmi_buf_finish(&b, out_src, err);
}
