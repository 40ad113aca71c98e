// RapportUI module
