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

        Inside the filter (`/`), the command line (`:`) and dialogs, keys edit text: `C-a`/`Home`,
        `C-e`/`End`, `C-u` (delete to start), `C-k` (delete to end), `C-w` (delete word),
        `Left`/`Right`, `Backspace`, `Delete`; `Enter` accepts, `Esc` cancels; `Tab` completes on
        the command line. `C-z` suspends Rapport like any job (`fg` resumes it).

        \(keymap.markdown(viewOrder: AppKeys.viewOrder))
        ## Marks on screen

        `?` lists these under the keys of every screen.

        | mark | meaning |
        |---|---|
        \(AppKeys.marks(.unicode).map { "| `\($0.mark)` | \($0.meaning) |" }.joined(separator: "\n"))

        """
    }
}
