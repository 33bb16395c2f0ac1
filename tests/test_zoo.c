/*
** test_zoo.c -- every torchvision net in the zoo against torchvision
** itself: exact parameters and MACs at 224 and 160 px.
**
** The numbers below are torchvision 0.14's, not deepmad's: they were
** printed once (2026-12, torch 1.13, torchvision 0.14.1, Debian 12) by the
** counting code of tests/py/test_torchvision_counts.py, i.e.
** sum(p.numel() for p in model.parameters()) and forward hooks on Conv2d
** (output elements x input channels per group x kernel area) and Linear
** (in x out), on torchvision.models.NAME() with a 1 x 3 x R x R input.
** That Python check still compares the live torchvision with the CLI; this
** one keeps the same truth where Python is not installed.
*/
#include "deepmad.h"
#include "harness.h"
#include <inttypes.h>

static const struct {
    const char *name;
    int32_t size;
    int64_t params, macs;
} torchvision_counts[] = {
    {"resnet18", 224, INT64_C(11689512), INT64_C(1814073344)},
    {"resnet18", 160, INT64_C(11689512), INT64_C(925798400)},
    {"resnet34", 224, INT64_C(21797672), INT64_C(3663761408)},
    {"resnet34", 160, INT64_C(21797672), INT64_C(1869516800)},
    {"resnet50", 224, INT64_C(25557032), INT64_C(4089184256)},
    {"resnet50", 160, INT64_C(25557032), INT64_C(2087321600)},
    {"resnet101", 224, INT64_C(44549160), INT64_C(7801405440)},
    {"resnet101", 160, INT64_C(44549160), INT64_C(3981312000)},
    {"resnet152", 224, INT64_C(60192808), INT64_C(11513626624)},
    {"resnet152", 160, INT64_C(60192808), INT64_C(5875302400)},
    {"mobilenet_v2", 224, INT64_C(3504872), INT64_C(300774272)},
    {"mobilenet_v2", 160, INT64_C(3504872), INT64_C(154083200)},
    {"efficientnet_b0", 224, INT64_C(5288548), INT64_C(385814752)},
    {"efficientnet_b0", 160, INT64_C(5288548), INT64_C(197778400)},
};

static void check_net(const char *name, int32_t size, int64_t params, int64_t macs) {
    dm_arch a;
    dm_net *net = NULL;
    dm_metrics m;
    dm_error err = {0};
    CHECK(dm_zoo_arch(name, &a, &err) == DM_OK);
    CHECK_EQ_I64(a.input_size, 224);
    a.input_size = size;
    dm_status s = dm_net_create(&a, &net, &err);
    if (!s) s = dm_net_metrics(net, NULL, &m, &err);
    dm_net_free(net);
    CHECK(s == DM_OK);
    if (s) { printf("  %s @%d: %s\n", name, (int)size, err.msg); return; }
    CHECK_EQ_I64(m.params, params);
    CHECK_EQ_I64(m.macs, macs);
    if (m.params != params || m.macs != macs)
        printf("  %s @%d: deepmad params %" PRId64 " MACs %" PRId64 "\n", name, (int)size, m.params, m.macs);
}

/* Every torchvision net of the zoo has its numbers here: a net added to
   the zoo without them fails. */
static void test_all_covered(void) {
    for (int32_t i = 0; i < dm_zoo_count(); i++) {
        const char *name = dm_zoo_name(i);
        if (strncmp(name, "deepmad-", 8) == 0) continue;   /* the paper's nets, not torchvision's */
        int found = 0;
        for (int j = 0; j < COUNTOF(torchvision_counts); j++)
            found += strcmp(torchvision_counts[j].name, name) == 0;
        CHECK(found == 2);
        if (found != 2) printf("  %s: no torchvision numbers at 224 and 160 px\n", name);
    }
}

int main(void) {
    for (int i = 0; i < COUNTOF(torchvision_counts); i++)
        check_net(torchvision_counts[i].name, torchvision_counts[i].size, torchvision_counts[i].params,
                  torchvision_counts[i].macs);
    test_all_covered();
    return TEST_REPORT();
}
