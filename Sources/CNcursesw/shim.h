#ifndef RAPPORT_CNCURSESW_SHIM_H
#define RAPPORT_CNCURSESW_SHIM_H
// Wide-character ncurses for Swift. Macros, variadic functions and globals such as `stdscr`
// cannot be used from Swift 6, so they are wrapped in small static inline functions here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <stdlib.h>
#include <wchar.h>
#include <signal.h>
#include <unistd.h>
#include <ncursesw/curses.h>

static inline WINDOW *rp_stdscr(void) { return stdscr; }
static inline int rp_lines(void) { return getmaxy(stdscr); }
static inline int rp_cols(void) { return getmaxx(stdscr); }
static inline int rp_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t rp_a_normal(void) { return A_NORMAL; }
static inline attr_t rp_a_bold(void) { return A_BOLD; }
static inline attr_t rp_a_underline(void) { return A_UNDERLINE; }
static inline attr_t rp_a_reverse(void) { return A_REVERSE; }
static inline attr_t rp_a_dim(void) { return A_DIM; }
static inline int rp_key_f(int n) { return KEY_F(n); }
static inline int rp_set_style(attr_t attrs, short pair) { return wattr_set(stdscr, attrs, pair, NULL); }
static inline int rp_move(int y, int x) { return wmove(stdscr, y, x); }
static inline int rp_addnwstr(const wchar_t *s, int n) { return waddnwstr(stdscr, s, n); }
static inline int rp_get_wch(wint_t *ch) { return wget_wch(stdscr, ch); }
static inline void rp_timeout(int ms) { wtimeout(stdscr, ms); }
static inline int rp_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}
static inline mmask_t rp_mouse_mask(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED; }
static inline int rp_mouse_is_wheel_up(mmask_t b) { return (b & BUTTON4_PRESSED) != 0; }
static inline int rp_mouse_is_wheel_down(mmask_t b) { return (b & BUTTON5_PRESSED) != 0; }
static inline int rp_mouse_is_click(mmask_t b) { return (b & (BUTTON1_CLICKED | BUTTON1_PRESSED)) != 0; }

// Restores the terminal from a signal handler, then lets the signal take its default course.
static void rp_restore_and_reraise(int sig) {
    if (!isendwin()) endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}
static inline void rp_install_signal_handlers(void) {
    int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], rp_restore_and_reraise);
}
static void rp_atexit_restore(void) { if (!isendwin()) endwin(); }
static inline void rp_install_atexit(void) { atexit(rp_atexit_restore); }
// Whether the terminal named by $TERM can move the cursor (terminfo `cup`); asked before
// initscr, so a terminal that cannot (TERM=dumb) is left exactly as it was.
#include <ncursesw/term.h>
static inline int rp_terminal_can_address(void) {
    int err = 0;
    if (setupterm(NULL, STDOUT_FILENO, &err) != OK) return 0;
    const char *cup = tigetstr("cup");
    int ok = cup != NULL && cup != (const char *)-1;
    del_curterm(cur_term);
    return ok;
}

#endif
