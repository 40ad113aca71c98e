import RapportUI

/// docs/keys.md, generated from the keymap tables (a test checks the committed file).
public enum KeysDocument {
    public static func text(_ keymap: Keymap) -> String {
        """
        # Keys

        Generated from the explorer's keymap by `rapport keys --markdown`; a test fails when this
        file and the keymap disagree. A view's own keys come first; keys of the `global` table work
        everywhere unless the view binds the same key. Rebind any action in
        `$XDG_CONFIG_HOME/rapport/config.toml` by its id, for example:

        ```toml
        [keys]
        down = ["j", "Down", "C-n"]
        quit = "Q"
        ```

        Key names: a character, `Enter`, `Esc`, `Tab`, `S-Tab`, `Backspace`, `Delete`, `Up`,
        `Down`, `Left`, `Right`, `PgUp`, `PgDn`, `Home`, `End`, `Space`, `F1`–`F12`, `C-x`.

        The tables after `global` are modes: while the help, a popup, a dialog, the filter (`/`) or
        the command line (`:`) is open, only its own table counts (no global key but `interrupt`).
        A mode binds some view actions too (`down`, `up`, `page_down`, `page_up`, `help`,
        `next_panel`, `prev_panel`): rebinding one rebinds it there as well, so a remapped `down`
        scrolls the help and a popup as it moves the list. In a text field (the filter, the command
        line, a dialog's fields) a character is always text: only its other keys (`Enter`, `Esc`,
        `Tab`, arrows, `C-` keys) are bindings, and the `text` table's keys edit. `C-z` suspends
        Rapport like any job (`fg` resumes it).

        \(keymap.markdown(viewOrder: AppKeys.viewOrder, modeOrder: AppKeys.modeOrder))
        ## Marks on screen

        `?` lists these under the keys of every screen.

        | mark | meaning |
        |---|---|
        \(AppKeys.marks(.unicode, keymap: keymap).map { "| `\($0.mark)` | \($0.meaning) |" }.joined(separator: "\n"))

        """
    }
}
