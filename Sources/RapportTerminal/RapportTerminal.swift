// RapportTerminal module
