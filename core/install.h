/* install.h — where the installed pieces are, found from the running
 * program rather than fixed at configure time, so a tree installed under
 * any prefix (or a build tree) finds its own plugins. */
#ifndef LD_INSTALL_H
#define LD_INSTALL_H

#include <stddef.h>

/* The directory of the running program (/proc/self/exe), into out.
 * Returns 0, or -errno (-ENAMETOOLONG if it does not fit). */
int ld_install_exe_dir(char *out, size_t len);

/* The default plugin directory: beside the program as installed
 * (BINDIR/../lib/liandong/plugins, whatever the prefix), else the build
 * tree's plugins/lib when the program runs from a build tree, else the
 * directory configured at build time (LD_PLUGIN_DIR). Always fills out. */
void ld_install_plugin_dir(char *out, size_t len);

#endif
