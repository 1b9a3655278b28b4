"""The Gers communes and their EPCI (intercommunalités): reference data for every address."""
