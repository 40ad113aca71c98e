// RapportApp module
