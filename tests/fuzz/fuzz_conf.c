/* libFuzzer target: the configuration loader (libconfig's parser and all
 * of Tandem's validation) on arbitrary text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tandem_conf c;
	char *text;

	if (size > 65536 || (text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* libconfig resolves @include against the file system: keep the
	 * fuzzer away from it. */
	if (strstr(text, "@include") == NULL) {
		conf_load_string(text, "fuzz.conf", &c, NULL);
		conf_free(&c);
	}
	free(text);
	return 0;
}
