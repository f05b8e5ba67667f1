/* noentry.c — a test shared object without ld_plugin_entry_v1. */
int ld_not_a_plugin(void);

__attribute__((visibility("default"))) int
ld_not_a_plugin(void)
{
	return 42;
}
