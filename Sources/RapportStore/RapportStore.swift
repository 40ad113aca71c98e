// RapportStore module
