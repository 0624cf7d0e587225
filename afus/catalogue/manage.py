"""Strings of the coordinator workspace: sign-in, /manage, validation, import/export, history."""

STRINGS = {
    # --- sign-in -------------------------------------------------------------
    "auth.sign_in": {"en": "Sign in", "fr": "Se connecter", "sv": "Logga in"},
    "auth.sign_out": {"en": "Sign out", "fr": "Se déconnecter", "sv": "Logga ut"},
    "auth.name": {"en": "Name", "fr": "Identifiant", "sv": "Användarnamn"},
    "auth.password": {"en": "Password", "fr": "Mot de passe", "sv": "Lösenord"},
    "auth.coordinators": {"en": "Coordinators", "fr": "Coordination", "sv": "Samordnare"},
    "auth.signed_in_as": {"en": "Signed in as {name} ({role})", "fr": "Connecté·e : {name} ({role})", "sv": "Inloggad som {name} ({role})"},
    "auth.signed_out": {"en": "You are signed out.", "fr": "Vous êtes déconnecté·e.", "sv": "Du är utloggad."},
    "role.coordinator": {"en": "coordinator", "fr": "coordination", "sv": "samordnare"},
    "role.admin": {"en": "admin", "fr": "administration", "sv": "administratör"},
    "auth.error.missing": {
        "en": "Enter your name and password.",
        "fr": "Saisissez votre identifiant et votre mot de passe.",
        "sv": "Ange ditt användarnamn och lösenord.",
    },
    "auth.error.wrong": {
        "en": "Name or password is wrong.",
        "fr": "Identifiant ou mot de passe incorrect.",
        "sv": "Fel användarnamn eller lösenord.",
    },
    "auth.error.locked": {
        "en": "Too many failed attempts for this name. Try again in {seconds} seconds.",
        "fr": "Trop de tentatives échouées pour cet identifiant. Réessayez dans {seconds} secondes.",
        "sv": "För många misslyckade försök för det här användarnamnet. Försök igen om {seconds} sekunder.",
    },
    "auth.error.disabled": {
        "en": "This account is disabled. Ask an administrator.",
        "fr": "Ce compte est désactivé. Adressez-vous à un administrateur.",
        "sv": "Kontot är avstängt. Kontakta en administratör.",
    },
    "auth.error.bad_name": {
        "en": "A name has 2 to 80 letters, digits or . _ @ - and no spaces.",
        "fr": "Un identifiant compte de 2 à 80 lettres, chiffres ou . _ @ -, sans espace.",
        "sv": "Ett användarnamn har 2 till 80 bokstäver, siffror eller . _ @ - och inga mellanslag.",
    },
    "auth.error.short_password": {
        "en": "The password must have at least {min} characters.",
        "fr": "Le mot de passe doit compter au moins {min} caractères.",
        "sv": "Lösenordet måste ha minst {min} tecken.",
    },
    "auth.error.long_password": {
        "en": "The password may have at most {max} characters.",
        "fr": "Le mot de passe ne peut dépasser {max} caractères.",
        "sv": "Lösenordet får ha högst {max} tecken.",
    },
    "auth.error.bad_role": {
        "en": "The role must be one of: {roles}.",
        "fr": "Le rôle doit être l'un de : {roles}.",
        "sv": "Rollen måste vara en av: {roles}.",
    },
    "auth.error.exists": {
        "en": "An account named {name} already exists.",
        "fr": "Un compte nommé {name} existe déjà.",
        "sv": "Det finns redan ett konto som heter {name}.",
    },
    "auth.error.unknown_user": {
        "en": "There is no account named {name}.",
        "fr": "Aucun compte ne s'appelle {name}.",
        "sv": "Det finns inget konto som heter {name}.",
    },
    "auth.error.self_disable": {
        "en": "You cannot disable your own account.",
        "fr": "Vous ne pouvez pas désactiver votre propre compte.",
        "sv": "Du kan inte stänga av ditt eget konto.",
    },
    "auth.denied.anonymous": {
        "en": "Sign in as a coordinator to make changes.",
        "fr": "Connectez-vous en tant que coordinateur ou coordinatrice pour modifier le contenu.",
        "sv": "Logga in som samordnare för att göra ändringar.",
    },
    "auth.denied.role": {
        "en": "Your account is not allowed to do this.",
        "fr": "Votre compte n'a pas le droit de faire cela.",
        "sv": "Ditt konto har inte behörighet att göra detta.",
    },
    "auth.ended.expired": {
        "en": "Your session ended after a period of inactivity. Sign in again; nothing was saved.",
        "fr": "Votre session a expiré après une période d'inactivité. Reconnectez-vous ; rien n'a été enregistré.",
        "sv": "Din session avslutades efter en tids inaktivitet. Logga in igen; inget sparades.",
    },
    "auth.ended.disabled": {
        "en": "Your account has been disabled; your session has ended.",
        "fr": "Votre compte a été désactivé ; votre session est terminée.",
        "sv": "Ditt konto har stängts av; din session har avslutats.",
    },
    "auth.ended.password_changed": {
        "en": "The password of your account was changed; sign in again.",
        "fr": "Le mot de passe de votre compte a été changé ; reconnectez-vous.",
        "sv": "Lösenordet för ditt konto har ändrats; logga in igen.",
    },
}
