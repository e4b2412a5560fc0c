/* libFuzzer target: HTTP responses as tandem-checkd's http and https
 * checks read them (any prefix, open or closed), then the status, digest
 * and regex match on what parsed. */
#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "http_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static regex_t re;
	static int ready;
	static const int codes[] = { 200, 301 };
	struct http_resp r;
	char err[160];

	if (!ready) {
		regcomp(&re, "ok|OK", REG_EXTENDED | REG_NOSUB);
		ready = 1;
	}
	for (int eof = 0; eof < 2; eof++) {
		if (http_resp_parse(data, size, eof, &r, err, sizeof(err)) !=
		    HTTP_DONE)
			continue;
		http_resp_match(&r, codes, 2, "900150983cd24fb0d6963f7d28e17f72",
		    &re, err, sizeof(err));
		http_resp_free(&r);
	}
	return 0;
}
