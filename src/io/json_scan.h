/*
** json_scan.h -- a JSON syntax check that allocates nothing (RFC 8259).
**
** cJSON returns NULL both for a syntax error and when an allocation
** fails, and the library may not install cJSON hooks (they are
** process-global) to tell the two apart.  json_read.c therefore checks
** the text with this scanner first: text the scanner accepts is text
** cJSON parses, so a NULL from cJSON afterwards is lack of memory; and a
** syntax error is reported at the scanner's position, the first byte that
** cannot continue a valid text.
**
** The grammar is RFC 8259's (one value, white space around it), with
** three rules of cJSON's kept so that the two agree on every text:
**   - arrays and objects nest at most CJSON_NESTING_LIMIT (1000) deep;
**   - a \uD800-\uDBFF escape must be followed by a \uDC00-\uDFFF one, and
**     a \uDC00-\uDFFF escape cannot come first (cJSON refuses both);
**   - bytes of 0x80 and above in a string pass unchecked (cJSON does not
**     validate UTF-8 either).
** Stricter than cJSON, as RFC 8259 is: no leading zeros ("01"), a digit
** after "." and after "e", no raw control characters (below 0x20) in a
** string.
*/
#ifndef DM_JSON_SCAN_H
#define DM_JSON_SCAN_H
#include "internal.h"

typedef enum dmi_jscan_result {
    DMI_JSCAN_OK,       /* one valid value, then only white space */
    DMI_JSCAN_SYNTAX,   /* *pos is the first byte that cannot continue (len: the text ended) */
    DMI_JSCAN_TRAILING, /* a valid value, then other text at *pos */
    DMI_JSCAN_DEEP      /* nesting past CJSON_NESTING_LIMIT at *pos */
} dmi_jscan_result;

/* Check `len` bytes of `text` (no NUL needed; a NUL byte is a syntax
   error outside a string and a control character inside one). */
DM_INTERNAL dmi_jscan_result dmi_jscan_check(const char *text, size_t len, size_t *pos);

#endif
