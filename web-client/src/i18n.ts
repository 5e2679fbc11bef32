/**
 * Every user-visible string of the client, in French (the default) and
 * English. `t(key, vars)` looks a string up in the current language and fills
 * `{name}` placeholders; `tn(key, count)` picks the `_one`/`_other` form.
 * Dates and times are always shown in Europe/Paris time.
 *
 * The current language is persisted in localStorage (`pacte.locale`) and set
 * as the `lang` attribute of the document.
 */

const fr = {
  'app.name': 'Pacte',
  'app.tagline': 'Espace de coopération des partenaires du pacte',
  'app.skip': 'Aller au contenu',
  'app.loading': 'Chargement…',
  'app.unreachable': 'Le serveur ne répond pas. Nouvel essai dans un instant…',
  'app.language': 'Langue',
  'app.language.fr': 'Français',
  'app.language.en': 'English',
  'app.logout': 'Se déconnecter',
  'app.signedInAs': 'Connecté·e en tant que {name}',
  'app.sessionEnded': 'Votre session a pris fin. Veuillez vous reconnecter.',
  'app.offline': 'Connexion perdue — reconnexion…',
  'app.offlinePending_one': '{count} message en attente d’envoi.',
  'app.offlinePending_other': '{count} messages en attente d’envoi.',
  'app.retryNow': 'Réessayer maintenant',
  'app.error': 'Une erreur est survenue : {message}',
  'app.dismiss': 'Fermer',
  'title.search': 'Recherche',
  'title.searchFor': 'Recherche « {query} »',
  'live.message': 'Nouveau message de {name} dans « {thread} ».',
  'live.messagesIn_one': '{count} nouveau message dans « {thread} ».',
  'live.messagesIn_other': '{count} nouveaux messages dans « {thread} ».',
  'live.messages_one': '{count} nouveau message.',
  'live.messages_other': '{count} nouveaux messages.',
  'live.offline': 'Connexion perdue, reconnexion en cours.',
  'live.online': 'Connexion rétablie.',
  'account.menu': 'Votre compte',
  'account.myData': 'Télécharger mes données',
  'account.myDataHint': 'Tout ce que Pacte conserve à votre sujet, dans un fichier JSON.',
  'account.myDataBusy': 'Préparation de vos données…',
  'account.myDataDone': 'Vos données ont été téléchargées.',
  'account.myDataFailed': 'Le téléchargement de vos données a échoué : {message}',

  'setPassword.title': 'Choisir votre mot de passe',
  'setPassword.introInvitation': 'Bienvenue sur Pacte ! Pour activer votre compte, choisissez votre mot de passe : vous serez ensuite connecté·e directement.',
  'setPassword.introReset': 'Choisissez un nouveau mot de passe pour votre compte Pacte. Vos autres sessions ouvertes seront fermées.',
  'setPassword.password': 'Nouveau mot de passe',
  'setPassword.confirm': 'Confirmation du mot de passe',
  'setPassword.hint': 'Au moins 10 caractères. Une courte phrase, facile à retenir pour vous, fait un bon mot de passe.',
  'setPassword.show': 'Afficher les mots de passe',
  'setPassword.submit': 'Enregistrer et me connecter',
  'setPassword.submitting': 'Enregistrement…',
  'setPassword.missing': 'Veuillez saisir un mot de passe.',
  'setPassword.tooShort': 'Le mot de passe doit compter au moins {min} caractères (vous en avez saisi {count}).',
  'setPassword.tooLong': 'Le mot de passe ne doit pas dépasser {max} caractères.',
  'setPassword.confirmMissing': 'Veuillez saisir le mot de passe une seconde fois pour le confirmer.',
  'setPassword.mismatch': 'Les deux mots de passe saisis ne sont pas identiques.',
  'setPassword.invalidLink': 'Ce lien est inconnu, déjà utilisé ou expiré. Demandez-en un nouveau.',
  'setPassword.rateLimited': 'Trop de tentatives. Réessayez dans {seconds} secondes.',
  'setPassword.failed': 'L’enregistrement du mot de passe a échoué ({status}). Veuillez réessayer plus tard.',
  'setPassword.toLogin': 'Aller à la page de connexion',

  'login.title': 'Connexion',
  'login.intro': 'Connectez-vous avec l’adresse électronique et le mot de passe de votre compte Pacte.',
  'login.email': 'Adresse électronique',
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.submitting': 'Connexion…',
  'login.wrong': 'Adresse électronique ou mot de passe incorrect.',
  'login.rateLimited': 'Trop de tentatives de connexion. Réessayez dans {seconds} secondes.',
  'login.rateLimitedNoDelay': 'Trop de tentatives de connexion. Réessayez dans quelques minutes.',
  'login.failed': 'La connexion a échoué ({status}). Réessayez plus tard.',
  'login.network': 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.',
  'login.missing': 'Saisissez votre adresse électronique et votre mot de passe.',

  'workspaces.title': 'Espaces de travail',
  'workspaces.empty': 'Vous ne faites partie d’aucun espace pour le moment.',
  'workspaces.choose': 'Choisissez un espace de travail dans la liste.',
  'workspaces.archived': 'Archivés',
  'workspaces.archivedMark': 'archivé',
  'workspaces.unread_one': '{count} message non lu',
  'workspaces.unread_other': '{count} messages non lus',
  'workspaces.mentions_one': '{count} mention',
  'workspaces.mentions_other': '{count} mentions',
  'workspaces.back': 'Espaces',
  'workspaces.notFound': 'Cet espace n’existe pas ou vous n’y avez pas accès.',

  'kind.comite_technique': 'Comités techniques',
  'kind.comite_financeurs': 'Comités des financeurs',
  'kind.comite_pilotage': 'Comité de pilotage',
  'kind.rencontre_thematique': 'Rencontres thématiques',
  'kind.pacte': 'Pacte',
  'kind.other': 'Autres espaces',

  'role.owner': 'responsable',
  'role.member': 'membre',
  'role.observer': 'observateur',

  'tabs.label': 'Sections de l’espace',
  'tabs.discussion': 'Discussion',
  'tabs.members': 'Membres',

  'threads.title': 'Fils de discussion',
  'threads.new': 'Nouveau fil',
  'threads.empty': 'Aucun fil pour l’instant. Lancez la discussion !',
  'threads.resolved': 'résolu',
  'threads.unread_one': '{count} non lu',
  'threads.unread_other': '{count} non lus',
  'threads.messages_one': '{count} message',
  'threads.messages_other': '{count} messages',
  'threads.back': 'Fils de discussion',
  'threads.choose': 'Choisissez un fil de discussion, ou créez-en un.',
  'threads.notFound': 'Ce fil n’existe pas ou a été supprimé.',
  'threads.showResolved': 'Afficher les fils résolus',

  'newThread.title': 'Nouveau fil de discussion',
  'newThread.titleLabel': 'Titre',
  'newThread.bodyLabel': 'Premier message',
  'newThread.bodyHint': 'Mise en forme Markdown ; mentionnez avec @.',
  'newThread.submit': 'Créer le fil',
  'newThread.cancel': 'Annuler',
  'newThread.missing': 'Le titre et le premier message sont obligatoires.',
  'newThread.offline': 'Vous êtes hors ligne : le fil sera créé dès le retour de la connexion.',

  'thread.resolve': 'Marquer comme résolu',
  'thread.reopen': 'Rouvrir le fil',
  'thread.resolvedBanner': 'Ce fil est marqué comme résolu.',
  'thread.older': 'Afficher les messages précédents',
  'thread.loadingOlder': 'Chargement…',
  'thread.start': 'Début du fil',
  'thread.newMessages': 'Nouveaux messages',
  'thread.loading': 'Chargement des messages…',
  'thread.messages': 'Messages',

  'message.edited': 'modifié',
  'message.editedAt': 'Modifié le {date}',
  'message.deleted': 'Message supprimé.',
  'message.edit': 'Modifier',
  'message.delete': 'Supprimer',
  'message.confirmDelete': 'Supprimer définitivement ce message ?',
  'message.save': 'Enregistrer',
  'message.cancel': 'Annuler',
  'message.editLabel': 'Modifier le message',
  'message.react': 'Réagir',
  'message.reactions': 'Réactions',
  'message.reactWith': 'Réagir avec {emoji}',
  'message.reaction_one': '{emoji} : {count} réaction{mine}',
  'message.reaction_other': '{emoji} : {count} réactions{mine}',
  'message.reactionMine': ', dont la vôtre',
  'message.pending': 'En attente d’envoi…',
  'message.failed': 'Non envoyé : {message}',
  'message.retry': 'Réessayer',
  'message.discard': 'Abandonner',
  'message.actions': 'Actions sur le message de {name}',
  'message.you': 'Vous',

  'composer.label': 'Votre message',
  'composer.placeholder': 'Écrire un message…',
  'composer.send': 'Envoyer',
  'composer.hint': 'Entrée pour envoyer, Maj+Entrée pour aller à la ligne, @ pour mentionner, / pour une commande.',
  'composer.commands': 'Commandes et valeurs proposées',
  'composer.suggestionCount_one': '{count} suggestion, flèches haut et bas pour choisir, Tab pour compléter.',
  'composer.suggestionCount_other': '{count} suggestions, flèches haut et bas pour choisir, Tab pour compléter.',
  'command.running': 'Commande…',
  'command.onlyYou': 'Visible par vous seul·e',
  'command.answerLabel': 'Réponse à {command}',
  'command.answerAnnounce': 'Réponse à {command} : {text}',
  'command.dismiss': 'Fermer la réponse à {command}',
  'card.label': 'Carte',
  'card.progress': 'Avancement',
  'card.actions': 'Actions',
  'card.running': '{action} en cours…',
  'card.done': '« {action} » : c’est fait.',
  'card.open': 'Ouvrir',
  'message.activity': 'activité',
  'composer.suggestions': 'Personnes et organisations à mentionner',
  'composer.organisation': 'organisation',
  'composer.readOnly': 'Vous pouvez lire cet espace mais pas y écrire.',
  'attach.button': 'Joindre un fichier',
  'attach.list': 'Fichiers joints',
  'attach.drop': 'Déposez vos fichiers ici pour les joindre',
  'attach.remove': 'Retirer « {name} »',
  'attach.uploading': 'envoi en cours…',
  'attach.ready': 'prêt',
  'attach.wait': 'Veuillez patienter : un fichier est encore en cours d’envoi.',
  'attach.tooLarge': 'Fichier trop volumineux (10 Mo maximum)',
  'attach.empty': 'Ce fichier est vide.',
  'attach.tooMany': 'Pas plus de {max} fichiers par message.',
  'attach.network': 'Envoi impossible : vérifiez votre connexion.',
  'attach.unauthenticated': 'Votre session a pris fin : veuillez vous reconnecter.',
  'attach.forbidden': 'Vous ne pouvez pas joindre de fichier dans cet espace.',
  'attach.aborted': 'Envoi annulé.',
  'attach.failed': 'Envoi impossible : {message}',
  'attach.open': 'Ouvrir « {name} » ({size})',
  'attach.download': 'Télécharger « {name} » ({size})',

  'typing.one': '{a} est en train d’écrire…',
  'typing.two': '{a} et {b} sont en train d’écrire…',
  'typing.many': 'Plusieurs personnes sont en train d’écrire…',

  'search.label': 'Rechercher dans les messages',
  'search.placeholder': 'Rechercher…',
  'search.submit': 'Rechercher',
  'search.title': 'Résultats pour « {query} »',
  'search.empty': 'Aucun message ne correspond à votre recherche.',
  'search.loading': 'Recherche…',
  'search.inThread': 'dans « {title} »',

  'members.title': 'Membres',
  'members.people': 'Personnes',
  'members.organisations': 'Organisations',
  'members.online': 'en ligne',
  'members.offline': 'hors ligne',
  'members.loading': 'Chargement des membres…',
  'members.manage': 'Gestion de l’espace',

  'invite.title': 'Inviter une personne',
  'invite.intro': 'La personne rejoint cet espace avec le rôle choisi. Si elle n’a pas encore de compte Pacte, vous obtiendrez un lien d’invitation à lui transmettre.',
  'invite.name': 'Prénom et nom',
  'invite.email': 'Adresse électronique',
  'invite.role': 'Rôle dans l’espace',
  'invite.role.member': 'Membre : lit et écrit',
  'invite.role.observer': 'Observateur : lecture seule',
  'invite.role.owner': 'Responsable : gère l’espace et ses membres',
  'invite.submit': 'Inviter',
  'invite.submitting': 'Invitation…',
  'invite.missing': 'Veuillez saisir le nom et l’adresse électronique de la personne.',
  'invite.badEmail': 'Cette adresse électronique ne semble pas valide.',
  'invite.offline': 'Vous êtes hors ligne : réessayez dès le retour de la connexion.',
  'invite.added': '{name} a bien été ajouté·e à l’espace.',
  'invite.hasAccount': 'Cette personne a déjà un compte : elle a accès à l’espace dès maintenant.',
  'invite.linkIntro': 'Transmettez ce lien à la personne invitée (valable 7 jours).',
  'invite.linkLabel': 'Lien d’invitation',
  'invite.copy': 'Copier le lien',
  'invite.copied': 'Lien copié.',
  'invite.copyFailed': 'La copie a échoué : sélectionnez le lien et copiez-le vous-même.',

  'export.link': 'Exporter l’espace (archive)',
  'export.hint': 'Une archive .tar avec les fils, les messages (et leurs versions précédentes), les réactions et les fichiers joints.',

  'panel.unavailable': 'Panneau indisponible',
  'panel.unavailableText': 'Le module « {name} » est activé dans cet espace, mais ce client ne sait pas encore l’afficher.',
  'panel.loading': 'Chargement du module…',
  'panel.failed': 'Le module « {name} » n’a pas pu être chargé.',

  'notifications.title': 'Notifications',
  'notifications.bell': 'Notifications',
  'notifications.bellUnread_one': 'Notifications, {count} non lue',
  'notifications.bellUnread_other': 'Notifications, {count} non lues',
  'notifications.unread_one': '{count} non lue',
  'notifications.unread_other': '{count} non lues',
  'notifications.markAll': 'Tout marquer comme lu',
  'notifications.empty': 'Aucune notification pour le moment.',
  'notifications.emptyHint': 'Vous serez prévenu·e ici des mentions, des réponses, des réunions et des signatures qui vous concernent.',
  'notifications.loading': 'Chargement des notifications…',
  'notifications.failed': 'Les notifications n’ont pas pu être chargées.',
  'notifications.retry': 'Réessayer',
  'notifications.older': 'Afficher les plus anciennes',
  'notifications.unreadMark': 'non lue',
  'notifications.markRead': 'Marquer comme lue',
  'notifications.close': 'Fermer',
  'notifications.list': 'Vos notifications',
  'notifications.prefs': 'Préférences de notification',
  'notifKind.mention': 'Mention',
  'notifKind.reply': 'Réponse',
  'notifKind.invitation': 'Invitation',
  'notifKind.meeting': 'Réunion',
  'notifKind.document': 'Document',
  'notifKind.signature': 'Signature',
  'notifKind.reminder': 'Rappel',
  'notifKind.cadence': 'Réunions du pacte',
  'notifKind.deadline': 'Échéance',
  'live.notification': 'Nouvelle notification : {title}',
  'live.notifications_one': '{count} nouvelle notification.',
  'live.notifications_other': '{count} nouvelles notifications.',

  'prefs.title': 'Préférences de notification',
  'prefs.intro': 'Choisissez ce que Pacte vous envoie par courriel. Toutes vos notifications restent visibles sous la cloche, en haut de l’écran.',
  'prefs.notConfigured': 'L’envoi de courriels n’est pas configuré sur ce serveur : aucun courriel ne part pour l’instant. Vos choix sont tout de même enregistrés et s’appliqueront dès qu’il le sera.',
  'prefs.emailLegend': 'Recevoir un courriel…',
  'prefs.kind.mention': 'quand quelqu’un me mentionne, moi ou mon organisation',
  'prefs.kind.reply': 'pour les réponses dans les fils que je suis',
  'prefs.kind.invitation': 'quand on m’invite dans un espace de travail',
  'prefs.kind.meeting': 'pour les convocations et les changements de réunion',
  'prefs.kind.document': 'pour les propositions et les validations de documents',
  'prefs.kind.signature': 'pour les demandes de signature',
  'prefs.kind.reminder': 'pour les rappels (signatures en attente, actions à mener)',
  'prefs.kind.cadence': 'quand une réunion exigée par le pacte manque au calendrier',
  'prefs.kind.deadline': 'à l’approche des échéances du pacte (préavis, fin)',
  'prefs.kind.digest': 'avec le récapitulatif des discussions non lues, à la fréquence choisie ci-dessous',
  'prefs.digestLegend': 'Fréquence des courriels',
  'prefs.digestHint': 'Les discussions non lues sont regroupées dans un courriel récapitulatif, envoyé à la fréquence choisie.',
  'prefs.digest.immediately': 'Immédiatement',
  'prefs.digest.hourly': 'Toutes les heures',
  'prefs.digest.daily': 'Chaque jour',
  'prefs.digest.never': 'Jamais',
  'prefs.workspaceLegend': 'Fréquence pour un espace de travail',
  'prefs.workspaceHint': 'Un espace peut avoir sa propre fréquence, par exemple « chaque jour » pour un espace très actif.',
  'prefs.workspace': 'Espace de travail',
  'prefs.workspaceMode': 'Fréquence des courriels de cet espace',
  'prefs.inherit': 'Comme le réglage général ({mode})',
  'prefs.overrides': 'Espaces qui ont leur propre fréquence',
  'prefs.removeOverride': 'Revenir au réglage général',
  'prefs.removeOverrideFor': 'Revenir au réglage général pour « {name} »',
  'prefs.noWorkspace': 'Vous ne faites partie d’aucun espace de travail.',
  'prefs.saving': 'Enregistrement…',
  'prefs.saved': 'Préférences enregistrées.',
  'prefs.failed': 'L’enregistrement a échoué : {message}',
  'prefs.loading': 'Chargement de vos préférences…',
  'prefs.loadFailed': 'Vos préférences n’ont pas pu être chargées : {message}',
  'prefs.back': 'Retour',

  'login.forgot': 'Mot de passe oublié ?',
  'forgot.title': 'Mot de passe oublié',
  'forgot.intro': 'Saisissez l’adresse électronique de votre compte Pacte : vous recevrez un lien pour choisir un nouveau mot de passe.',
  'forgot.email': 'Adresse électronique',
  'forgot.submit': 'Recevoir un lien',
  'forgot.submitting': 'Envoi…',
  'forgot.missing': 'Saisissez votre adresse électronique.',
  'forgot.badEmail': 'Cette adresse électronique ne semble pas valide.',
  'forgot.sentTitle': 'Demande enregistrée',
  'forgot.sent': 'Si un compte Pacte existe pour l’adresse {email}, un courriel vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe. Ce lien est valable 24 heures.',
  'forgot.sentHint': 'Rien reçu d’ici quelques minutes ? Regardez dans vos courriers indésirables, vérifiez l’adresse, ou adressez-vous à la personne qui vous a invité·e.',
  'forgot.again': 'Essayer une autre adresse',
  'forgot.rateLimited': 'Trop de demandes. Réessayez dans {seconds} secondes.',
  'forgot.rateLimitedNoDelay': 'Trop de demandes. Réessayez dans quelques minutes.',
  'forgot.failed': 'La demande n’a pas pu être traitée ({status}). Réessayez plus tard.',
  'forgot.toLogin': 'Retour à la connexion',
  'setPassword.titleReset': 'Choisir un nouveau mot de passe',
  'setPassword.newLink': 'Demander un nouveau lien',

  'time.today': 'aujourd’hui',
  'time.yesterday': 'hier',
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  'app.name': 'Pacte',
  'app.tagline': 'Cooperation space for the partners of the pact',
  'app.skip': 'Skip to content',
  'app.loading': 'Loading…',
  'app.unreachable': 'The server does not answer. Trying again shortly…',
  'app.language': 'Language',
  'app.language.fr': 'Français',
  'app.language.en': 'English',
  'app.logout': 'Sign out',
  'app.signedInAs': 'Signed in as {name}',
  'app.sessionEnded': 'Your session has ended. Please sign in again.',
  'app.offline': 'Connection lost — reconnecting…',
  'app.offlinePending_one': '{count} message waiting to be sent.',
  'app.offlinePending_other': '{count} messages waiting to be sent.',
  'app.retryNow': 'Retry now',
  'app.error': 'Something went wrong: {message}',
  'app.dismiss': 'Dismiss',
  'title.search': 'Search',
  'title.searchFor': 'Search “{query}”',
  'live.message': 'New message from {name} in “{thread}”.',
  'live.messagesIn_one': '{count} new message in “{thread}”.',
  'live.messagesIn_other': '{count} new messages in “{thread}”.',
  'live.messages_one': '{count} new message.',
  'live.messages_other': '{count} new messages.',
  'live.offline': 'Connection lost, reconnecting.',
  'live.online': 'Connection restored.',
  'account.menu': 'Your account',
  'account.myData': 'Download my data',
  'account.myDataHint': 'Everything Pacte keeps about you, in a JSON file.',
  'account.myDataBusy': 'Preparing your data…',
  'account.myDataDone': 'Your data was downloaded.',
  'account.myDataFailed': 'Downloading your data failed: {message}',

  'setPassword.title': 'Choose your password',
  'setPassword.introInvitation': 'Welcome to Pacte! To activate your account, choose your password: you will then be signed in.',
  'setPassword.introReset': 'Choose a new password for your Pacte account. Your other open sessions will be closed.',
  'setPassword.password': 'New password',
  'setPassword.confirm': 'Confirm the password',
  'setPassword.hint': 'At least 10 characters. A short sentence that is easy for you to remember makes a good password.',
  'setPassword.show': 'Show the passwords',
  'setPassword.submit': 'Save and sign in',
  'setPassword.submitting': 'Saving…',
  'setPassword.missing': 'Please enter a password.',
  'setPassword.tooShort': 'The password needs at least {min} characters (you typed {count}).',
  'setPassword.tooLong': 'The password must not be longer than {max} characters.',
  'setPassword.confirmMissing': 'Please type the password a second time to confirm it.',
  'setPassword.mismatch': 'The two passwords are not the same.',
  'setPassword.invalidLink': 'This link is unknown, already used or expired. Ask for a new one.',
  'setPassword.rateLimited': 'Too many attempts. Try again in {seconds} seconds.',
  'setPassword.failed': 'Saving the password failed ({status}). Please try again later.',
  'setPassword.toLogin': 'Go to the sign-in page',

  'login.title': 'Sign in',
  'login.intro': 'Sign in with the email address and password of your Pacte account.',
  'login.email': 'Email address',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.wrong': 'Wrong email address or password.',
  'login.rateLimited': 'Too many sign-in attempts. Try again in {seconds} seconds.',
  'login.rateLimitedNoDelay': 'Too many sign-in attempts. Try again in a few minutes.',
  'login.failed': 'Sign-in failed ({status}). Try again later.',
  'login.network': 'Cannot reach the server. Check your connection and try again.',
  'login.missing': 'Enter your email address and your password.',

  'workspaces.title': 'Workspaces',
  'workspaces.empty': 'You are not a member of any workspace yet.',
  'workspaces.choose': 'Choose a workspace from the list.',
  'workspaces.archived': 'Archived',
  'workspaces.archivedMark': 'archived',
  'workspaces.unread_one': '{count} unread message',
  'workspaces.unread_other': '{count} unread messages',
  'workspaces.mentions_one': '{count} mention',
  'workspaces.mentions_other': '{count} mentions',
  'workspaces.back': 'Workspaces',
  'workspaces.notFound': 'This workspace does not exist or you have no access to it.',

  'kind.comite_technique': 'Technical committees',
  'kind.comite_financeurs': 'Funders’ committees',
  'kind.comite_pilotage': 'Steering committee',
  'kind.rencontre_thematique': 'Thematic meetings',
  'kind.pacte': 'Pact',
  'kind.other': 'Other workspaces',

  'role.owner': 'owner',
  'role.member': 'member',
  'role.observer': 'observer',

  'tabs.label': 'Workspace sections',
  'tabs.discussion': 'Discussion',
  'tabs.members': 'Members',

  'threads.title': 'Threads',
  'threads.new': 'New thread',
  'threads.empty': 'No thread yet. Start the discussion!',
  'threads.resolved': 'resolved',
  'threads.unread_one': '{count} unread',
  'threads.unread_other': '{count} unread',
  'threads.messages_one': '{count} message',
  'threads.messages_other': '{count} messages',
  'threads.back': 'Threads',
  'threads.choose': 'Choose a thread, or start one.',
  'threads.notFound': 'This thread does not exist or was deleted.',
  'threads.showResolved': 'Show resolved threads',

  'newThread.title': 'New thread',
  'newThread.titleLabel': 'Title',
  'newThread.bodyLabel': 'First message',
  'newThread.bodyHint': 'Markdown formatting; mention with @.',
  'newThread.submit': 'Create thread',
  'newThread.cancel': 'Cancel',
  'newThread.missing': 'The title and the first message are required.',
  'newThread.offline': 'You are offline: the thread will be created when the connection is back.',

  'thread.resolve': 'Mark as resolved',
  'thread.reopen': 'Reopen thread',
  'thread.resolvedBanner': 'This thread is marked as resolved.',
  'thread.older': 'Show earlier messages',
  'thread.loadingOlder': 'Loading…',
  'thread.start': 'Start of the thread',
  'thread.newMessages': 'New messages',
  'thread.loading': 'Loading messages…',
  'thread.messages': 'Messages',

  'message.edited': 'edited',
  'message.editedAt': 'Edited on {date}',
  'message.deleted': 'Message deleted.',
  'message.edit': 'Edit',
  'message.delete': 'Delete',
  'message.confirmDelete': 'Delete this message for good?',
  'message.save': 'Save',
  'message.cancel': 'Cancel',
  'message.editLabel': 'Edit the message',
  'message.react': 'React',
  'message.reactions': 'Reactions',
  'message.reactWith': 'React with {emoji}',
  'message.reaction_one': '{emoji}: {count} reaction{mine}',
  'message.reaction_other': '{emoji}: {count} reactions{mine}',
  'message.reactionMine': ', including yours',
  'message.pending': 'Waiting to be sent…',
  'message.failed': 'Not sent: {message}',
  'message.retry': 'Retry',
  'message.discard': 'Discard',
  'message.actions': 'Actions on the message by {name}',
  'message.you': 'You',

  'composer.label': 'Your message',
  'composer.placeholder': 'Write a message…',
  'composer.send': 'Send',
  'composer.hint': 'Enter to send, Shift+Enter for a new line, @ to mention, / for a command.',
  'composer.commands': 'Suggested commands and values',
  'composer.suggestionCount_one': '{count} suggestion, up and down arrows to choose, Tab to complete.',
  'composer.suggestionCount_other': '{count} suggestions, up and down arrows to choose, Tab to complete.',
  'command.running': 'Running…',
  'command.onlyYou': 'Only visible to you',
  'command.answerLabel': 'Answer to {command}',
  'command.answerAnnounce': 'Answer to {command}: {text}',
  'command.dismiss': 'Close the answer to {command}',
  'card.label': 'Card',
  'card.progress': 'Progress',
  'card.actions': 'Actions',
  'card.running': '{action} in progress…',
  'card.done': '“{action}”: done.',
  'card.open': 'Open',
  'message.activity': 'activity',
  'composer.suggestions': 'People and organisations to mention',
  'composer.organisation': 'organisation',
  'composer.readOnly': 'You can read this workspace but not write in it.',
  'attach.button': 'Attach a file',
  'attach.list': 'Attached files',
  'attach.drop': 'Drop your files here to attach them',
  'attach.remove': 'Remove “{name}”',
  'attach.uploading': 'uploading…',
  'attach.ready': 'ready',
  'attach.wait': 'Please wait: a file is still uploading.',
  'attach.tooLarge': 'File too large (10 MB maximum)',
  'attach.empty': 'This file is empty.',
  'attach.tooMany': 'No more than {max} files per message.',
  'attach.network': 'Upload failed: check your connection.',
  'attach.unauthenticated': 'Your session has ended: please sign in again.',
  'attach.forbidden': 'You cannot attach files in this workspace.',
  'attach.aborted': 'Upload cancelled.',
  'attach.failed': 'Upload failed: {message}',
  'attach.open': 'Open “{name}” ({size})',
  'attach.download': 'Download “{name}” ({size})',

  'typing.one': '{a} is typing…',
  'typing.two': '{a} and {b} are typing…',
  'typing.many': 'Several people are typing…',

  'search.label': 'Search the messages',
  'search.placeholder': 'Search…',
  'search.submit': 'Search',
  'search.title': 'Results for “{query}”',
  'search.empty': 'No message matches your search.',
  'search.loading': 'Searching…',
  'search.inThread': 'in “{title}”',

  'members.title': 'Members',
  'members.people': 'People',
  'members.organisations': 'Organisations',
  'members.online': 'online',
  'members.offline': 'offline',
  'members.loading': 'Loading members…',
  'members.manage': 'Workspace management',

  'invite.title': 'Invite someone',
  'invite.intro': 'The person joins this workspace with the role you choose. If they have no Pacte account yet, you will get an invitation link to send them.',
  'invite.name': 'Full name',
  'invite.email': 'Email address',
  'invite.role': 'Role in the workspace',
  'invite.role.member': 'Member: reads and writes',
  'invite.role.observer': 'Observer: read only',
  'invite.role.owner': 'Owner: manages the workspace and its members',
  'invite.submit': 'Invite',
  'invite.submitting': 'Inviting…',
  'invite.missing': 'Please enter the person’s name and email address.',
  'invite.badEmail': 'This email address does not look valid.',
  'invite.offline': 'You are offline: try again when the connection is back.',
  'invite.added': '{name} was added to the workspace.',
  'invite.hasAccount': 'This person already has an account: they can use the workspace now.',
  'invite.linkIntro': 'Send this link to the person you invited (valid for 7 days).',
  'invite.linkLabel': 'Invitation link',
  'invite.copy': 'Copy the link',
  'invite.copied': 'Link copied.',
  'invite.copyFailed': 'Copying failed: select the link and copy it yourself.',

  'export.link': 'Export the workspace (archive)',
  'export.hint': 'A .tar archive with the threads, the messages (and their earlier versions), the reactions and the attached files.',

  'panel.unavailable': 'Panel unavailable',
  'panel.unavailableText': 'The “{name}” module is enabled in this workspace, but this client cannot show it yet.',
  'panel.loading': 'Loading the module…',
  'panel.failed': 'The “{name}” module could not be loaded.',

  'notifications.title': 'Notifications',
  'notifications.bell': 'Notifications',
  'notifications.bellUnread_one': 'Notifications, {count} unread',
  'notifications.bellUnread_other': 'Notifications, {count} unread',
  'notifications.unread_one': '{count} unread',
  'notifications.unread_other': '{count} unread',
  'notifications.markAll': 'Mark all as read',
  'notifications.empty': 'No notifications yet.',
  'notifications.emptyHint': 'You will be told here about mentions, replies, meetings and signatures that concern you.',
  'notifications.loading': 'Loading notifications…',
  'notifications.failed': 'The notifications could not be loaded.',
  'notifications.retry': 'Try again',
  'notifications.older': 'Show older ones',
  'notifications.unreadMark': 'unread',
  'notifications.markRead': 'Mark as read',
  'notifications.close': 'Close',
  'notifications.list': 'Your notifications',
  'notifications.prefs': 'Notification preferences',
  'notifKind.mention': 'Mention',
  'notifKind.reply': 'Reply',
  'notifKind.invitation': 'Invitation',
  'notifKind.meeting': 'Meeting',
  'notifKind.document': 'Document',
  'notifKind.signature': 'Signature',
  'notifKind.reminder': 'Reminder',
  'notifKind.cadence': 'Pact meetings',
  'notifKind.deadline': 'Deadline',
  'live.notification': 'New notification: {title}',
  'live.notifications_one': '{count} new notification.',
  'live.notifications_other': '{count} new notifications.',

  'prefs.title': 'Notification preferences',
  'prefs.intro': 'Choose what Pacte sends you by email. All your notifications stay available under the bell, at the top of the screen.',
  'prefs.notConfigured': 'Sending email is not configured on this server: no email goes out for now. Your choices are saved all the same and will apply as soon as it is.',
  'prefs.emailLegend': 'Send me an email…',
  'prefs.kind.mention': 'when someone mentions me or my organisation',
  'prefs.kind.reply': 'for replies in threads I follow',
  'prefs.kind.invitation': 'when I am invited to a workspace',
  'prefs.kind.meeting': 'for meeting invitations and changes',
  'prefs.kind.document': 'for document proposals and validations',
  'prefs.kind.signature': 'for signature requests',
  'prefs.kind.reminder': 'for reminders (pending signatures, actions to take)',
  'prefs.kind.cadence': 'when a meeting the pact requires is missing from the calendar',
  'prefs.kind.deadline': 'when the pact’s deadlines approach (notice, end)',
  'prefs.kind.digest': 'with the summary of unread discussions, as often as chosen below',
  'prefs.digestLegend': 'How often to email',
  'prefs.digestHint': 'Unread discussions are gathered in a summary email, sent as often as you choose.',
  'prefs.digest.immediately': 'Immediately',
  'prefs.digest.hourly': 'Every hour',
  'prefs.digest.daily': 'Every day',
  'prefs.digest.never': 'Never',
  'prefs.workspaceLegend': 'How often for one workspace',
  'prefs.workspaceHint': 'A workspace can have its own frequency, for instance “every day” for a very busy one.',
  'prefs.workspace': 'Workspace',
  'prefs.workspaceMode': 'How often to email about this workspace',
  'prefs.inherit': 'Same as the general setting ({mode})',
  'prefs.overrides': 'Workspaces with their own frequency',
  'prefs.removeOverride': 'Back to the general setting',
  'prefs.removeOverrideFor': 'Back to the general setting for “{name}”',
  'prefs.noWorkspace': 'You are not a member of any workspace.',
  'prefs.saving': 'Saving…',
  'prefs.saved': 'Preferences saved.',
  'prefs.failed': 'Saving failed: {message}',
  'prefs.loading': 'Loading your preferences…',
  'prefs.loadFailed': 'Your preferences could not be loaded: {message}',
  'prefs.back': 'Back',

  'login.forgot': 'Forgot your password?',
  'forgot.title': 'Forgotten password',
  'forgot.intro': 'Enter the email address of your Pacte account: you will receive a link to choose a new password.',
  'forgot.email': 'Email address',
  'forgot.submit': 'Send me a link',
  'forgot.submitting': 'Sending…',
  'forgot.missing': 'Enter your email address.',
  'forgot.badEmail': 'This email address does not look valid.',
  'forgot.sentTitle': 'Request received',
  'forgot.sent': 'If a Pacte account exists for {email}, an email has just been sent to it with a link to choose a new password. The link is valid for 24 hours.',
  'forgot.sentHint': 'Nothing within a few minutes? Look in your spam folder, check the address, or ask the person who invited you.',
  'forgot.again': 'Try another address',
  'forgot.rateLimited': 'Too many requests. Try again in {seconds} seconds.',
  'forgot.rateLimitedNoDelay': 'Too many requests. Try again in a few minutes.',
  'forgot.failed': 'The request could not be handled ({status}). Try again later.',
  'forgot.toLogin': 'Back to sign-in',
  'setPassword.titleReset': 'Choose a new password',
  'setPassword.newLink': 'Ask for a new link',

  'time.today': 'today',
  'time.yesterday': 'yesterday',
};

export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];
const dictionaries: Record<Locale, Record<MessageKey, string>> = { fr, en };
const STORAGE_KEY = 'pacte.locale';
export const TIME_ZONE = 'Europe/Paris';

let current: Locale = readStoredLocale() ?? 'fr';
const listeners = new Set<(locale: Locale) => void>();

function readStoredLocale(): Locale | null {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === 'fr' || v === 'en' ? v : null;
  } catch {
    return null;
  }
}

/** True when the person chose a language in this browser (it then wins over the account's). */
export function hasStoredLocale(): boolean {
  return readStoredLocale() !== null;
}

export function getLocale(): Locale {
  return current;
}

export function isLocale(v: unknown): v is Locale {
  return v === 'fr' || v === 'en';
}

/** Changes the language, persists it, sets `<html lang>` and notifies listeners. */
export function setLocale(locale: Locale, persist = true): void {
  if (persist) {
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      /* ignore */
    }
  }
  if (locale === current) {
    applyLang();
    return;
  }
  current = locale;
  applyLang();
  cache.clear();
  for (const fn of [...listeners]) fn(locale);
}

/**
 * A text stored in French with an optional English sibling (a plugin's `body_en`,
 * `title_en`, a card's `label_en`…): the sibling for English readers when there is one,
 * otherwise the text as stored.
 */
export function inLocale(fr: string, en: string | null | undefined, locale?: string): string;
export function inLocale(fr: string | undefined, en: string | null | undefined, locale?: string): string | undefined;
export function inLocale(fr: string | undefined, en: string | null | undefined, locale: string = current): string | undefined {
  return locale === 'en' && typeof en === 'string' && en ? en : fr;
}

export function onLocaleChange(fn: (locale: Locale) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Sets the `lang` attribute of the document to the current language. */
export function applyLang(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = dictionaries[current][key] ?? fr[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

type PluralBase<K> = K extends `${infer B}_one` ? B : never;
export type PluralKey = PluralBase<MessageKey>;

/** Plural form: looks up `${key}_one` or `${key}_other` and fills `{count}`. */
export function tn(key: PluralKey, count: number, vars: Record<string, string | number> = {}): string {
  const rule = new Intl.PluralRules(current === 'fr' ? 'fr-FR' : 'en-GB').select(count);
  const suffix = rule === 'one' ? '_one' : '_other';
  return t(`${key}${suffix}` as MessageKey, { count, ...vars });
}

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${current}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(current === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: TIME_ZONE, ...opts });
    cache.set(key, f);
  }
  return f;
}

function parisDay(d: Date): string {
  return formatter('day-key', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** Full date and time, Europe/Paris ("29 nov. 2026, 18:35"). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return formatter('datetime', { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/**
 * Short form for lists: the time today, "hier" yesterday, the date otherwise
 * (all in Europe/Paris time).
 */
export function formatShort(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const day = parisDay(d);
  if (day === parisDay(now)) return formatter('time', { timeStyle: 'short' }).format(d);
  const yesterday = new Date(now.getTime() - 86_400_000);
  if (day === parisDay(yesterday)) return t('time.yesterday');
  const sameYear =
    formatter('year', { year: 'numeric' }).format(d) === formatter('year', { year: 'numeric' }).format(now);
  return sameYear
    ? formatter('daymonth', { day: 'numeric', month: 'short' }).format(d)
    : formatter('date', { dateStyle: 'medium' }).format(d);
}

/** Time of a message: the time today, date and time otherwise. */
export function formatMessageTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (parisDay(d) === parisDay(now)) return formatter('time', { timeStyle: 'short' }).format(d);
  return formatDateTime(iso);
}

/** Picks the server's French message when the client speaks French. */
export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { message?: string; messageFr?: string; message_fr?: string };
    const fr = e.messageFr ?? e.message_fr;
    if (current === 'fr' && fr) return fr;
    if (e.message) return e.message;
  }
  return String(err);
}
