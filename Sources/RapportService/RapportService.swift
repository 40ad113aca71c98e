// RapportService module
