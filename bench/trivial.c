/* The baseline of bench/run: the cheapest possible C CGI, a fixed 2 KB page. */
#include <stdio.h>
#include <string.h>

int
main(void)
{
	char	 page[2048];

	memset(page, 'x', sizeof(page));
	fputs("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n", stdout);
	fwrite(page, 1, sizeof(page), stdout);
	return 0;
}
