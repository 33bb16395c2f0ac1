/*
** draw_format.c -- numbers as pictures print them, and axis ticks.
*/
#include "draw.h"
#include <math.h>
#include <stdio.h>

const char *dmi_fmt_count(char *buf, size_t n, int64_t v) {
    char digits[32];
    int k = snprintf(digits, sizeof digits, "%lld", (long long)v);
    size_t j = 0;
    for (int i = 0; i < k && j + 2 < n; i++) {
        if (i && (k - i) % 3 == 0 && digits[i - 1] != '-') buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = 0;
    return buf;
}

const char *dmi_fmt_short(char *buf, size_t n, double v) {
    static const char suffix[] = {'T', 'G', 'M', 'K'};
    double a = fabs(v);
    for (int i = 0; i < 4; i++) {
        double unit = pow(1000.0, 4 - i);
        if (a >= unit) {
            snprintf(buf, n, "%.3g%c", v / unit, suffix[i]);
            return buf;
        }
    }
    snprintf(buf, n, "%.3g", fabs(v) < 1e-12 ? 0.0 : v);
    return buf;
}

/* The step of 1, 2 or 5 x 10^k nearest above `raw`. */
static double nice_step(double raw) {
    double p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

int dmi_ticks(double *lo, double *hi, int log_axis, double *t) {
    int n = 0;
    if (log_axis) {
        for (double d = pow(10.0, floor(log10(*lo))); d <= *hi * 1.000001 && n < DMI_MAX_TICKS; d *= 10)
            for (int i = 0; i < 3 && n < DMI_MAX_TICKS; i++) {
                double v = d * (i == 0 ? 1 : i == 1 ? 2 : 5);
                if (v >= *lo * 0.999999 && v <= *hi * 1.000001) t[n++] = v;
            }
        if (n >= 2) return n;
        t[0] = *lo;   /* too narrow a range for round values: its ends */
        t[1] = *hi;
        return 2;
    }
    if (!(*hi > *lo)) {
        double pad = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1.0;
        *lo -= pad;
        *hi += pad;
    }
    double step = nice_step((*hi - *lo) / 4);
    *lo = floor(*lo / step) * step;
    *hi = ceil(*hi / step) * step;
    for (double v = *lo; v <= *hi + step * 1e-9 && n < DMI_MAX_TICKS; v += step)
        t[n++] = fabs(v) < step * 1e-9 ? 0.0 : v;
    return n;
}
