#ifndef RAPPORT_CNCURSESW_SHIM_H
#define RAPPORT_CNCURSESW_SHIM_H
// Wide-character ncurses. Macros, variadic functions and globals such as `stdscr`
// are not usable from Swift 6, so they are wrapped in static inline functions here.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>
#endif
