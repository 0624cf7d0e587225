"""Strings about the store's condition (read-only, full, unreachable), shown by ``afus.ui.store_guard``."""

STRINGS = {
    "store.read_only": {
        "en": "The data store is read-only at the moment: nothing was changed. Reading still works; ask the administrator to make the store writable again.",
        "fr": "La base de données est en lecture seule pour le moment : rien n'a été modifié. La consultation fonctionne toujours ; demandez à l'administrateur de rétablir l'écriture.",
        "sv": "Databasen är skrivskyddad just nu: ingenting ändrades. Du kan fortfarande läsa; be administratören att göra databasen skrivbar igen.",
    },
    "store.full": {
        "en": "The data store's disk is full: your change was not saved, and nothing was half-written. Ask the administrator to free some space, then try again.",
        "fr": "Le disque de la base de données est plein : votre modification n'a pas été enregistrée, et rien n'a été écrit à moitié. Demandez à l'administrateur de libérer de l'espace, puis réessayez.",
        "sv": "Databasens disk är full: din ändring sparades inte, och ingenting skrevs till hälften. Be administratören att frigöra utrymme och försök sedan igen.",
    },
    "store.retry": {"en": "Try again", "fr": "Réessayer", "sv": "Försök igen"},
}
