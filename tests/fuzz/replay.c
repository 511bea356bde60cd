/*
 * Replays fuzz corpus files through a fuzz target without libFuzzer, so
 * that every crash ever found stays a regression test under gcc, ASan and
 * UBSan. Prints TAP.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The corpus of the target this replay is linked with. */
#ifndef REPLAY_CORPUS
#define REPLAY_CORPUS	"tests/fuzz/corpus"
#endif

static int
replay_file(const char *path)
{
	FILE	*f;
	struct buf b;
	char	 chunk[4096];
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	if (b.failed) {
		buf_free(&b);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf_str(&b), b.len);
	buf_free(&b);
	return 0;
}

static int
replay_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
main(int argc, char *argv[])
{
	struct dirent **names;
	struct buf path;
	int	 n, i, failed = 0;

	const char *dir = argc > 1 ? argv[1] : SRCDIR "/" REPLAY_CORPUS;

	if ((n = scandir(dir, &names, NULL, replay_cmp)) < 0) {
		perror(dir);
		return 2;
	}
	buf_init(&path, 4096);
	printf("1..%d\n", n);
	for (i = 0; i < n; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, names[i]->d_name);
		if (names[i]->d_name[0] == '.')
			printf("ok %d - %s # SKIP not a corpus file\n", i + 1,
			    names[i]->d_name);
		else if (replay_file(buf_str(&path)) == 0)
			printf("ok %d - %s\n", i + 1, names[i]->d_name);
		else {
			printf("not ok %d - %s\n", i + 1, names[i]->d_name);
			failed++;
		}
		free(names[i]);
	}
	free(names);
	buf_free(&path);
	return failed ? 1 : 0;
}
