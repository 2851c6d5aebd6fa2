<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>AttributionJson</name>
    <message>
        <source>%1: expected %2.</source>
        <translation>%1&#xa0;: %2 attendu.</translation>
    </message>
    <message>
        <source>one of %1 (unknown field)</source>
        <translation>l’un de %1 (champ inconnu)</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>une chaîne</translation>
    </message>
    <message>
        <source>a tenant id (a positive whole number)</source>
        <translation>un identifiant de locataire (un nombre entier positif)</translation>
    </message>
    <message>
        <source>an array</source>
        <translation>un tableau</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>un objet</translation>
    </message>
    <message>
        <source>one of %1</source>
        <translation>l’un de %1</translation>
    </message>
    <message>
        <source>a non-negative whole number</source>
        <translation>un nombre entier positif ou nul</translation>
    </message>
    <message>
        <source>a tenant id (the field is missing)</source>
        <translation>un identifiant de locataire (le champ est absent)</translation>
    </message>
</context>
<context>
    <name>BillingFile</name>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1, line %2: %3</source>
        <translation>%1, ligne %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>%1, line %2, column %3: %4</source>
        <translation>%1, ligne %2, colonne %3&#xa0;: %4</translation>
    </message>
    <message>
        <source>%1: the file has no such column; BilledCost is used</source>
        <translation>%1&#xa0;: le fichier n’a pas cette colonne&#xa0;; BilledCost est utilisé</translation>
    </message>
    <message>
        <source>ServiceCategory is not in this format: it is derived from %1 for well-known services</source>
        <translation>ServiceCategory n’existe pas dans ce format&#xa0;: elle est déduite de %1 pour les services connus</translation>
    </message>
</context>
<context>
    <name>DatabaseLocation</name>
    <message>
        <source>“%1” is not a PostgreSQL address; write postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse PostgreSQL&#xa0;; écrivez postgresql://UTILISATEUR@HÔTE:PORT/BASE.</translation>
    </message>
    <message>
        <source>No database file was given.</source>
        <translation>Aucun fichier de base de données n’a été indiqué.</translation>
    </message>
</context>
<context>
    <name>Decommission</name>
    <message>
        <source>Back up the tenant&apos;s data to a file</source>
        <translation>Sauvegarder les données du locataire dans un fichier</translation>
    </message>
    <message>
        <source>Notify the tenant&apos;s users</source>
        <translation>Avertir les utilisateurs du locataire</translation>
    </message>
    <message>
        <source>Release the tenant&apos;s resources</source>
        <translation>Libérer les ressources du locataire</translation>
    </message>
    <message>
        <source>Delete the tenant&apos;s data</source>
        <translation>Supprimer les données du locataire</translation>
    </message>
    <message>
        <source>Finalise billing</source>
        <translation>Finaliser la facturation</translation>
    </message>
</context>
<context>
    <name>DetailForm</name>
    <message>
        <source>Unlimited</source>
        <translation>Illimité</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Jamais</translation>
    </message>
</context>
<context>
    <name>Edits</name>
    <message>
        <source>Change %1</source>
        <translation>Modifier %1</translation>
    </message>
    <message>
        <source>Create %1</source>
        <translation>Créer %1</translation>
    </message>
    <message>
        <source>Move %1</source>
        <translation>Déplacer %1</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Add environment %1</source>
        <translation>Ajouter l’environnement %1</translation>
    </message>
    <message>
        <source>Remove environment %1</source>
        <translation>Supprimer l’environnement %1</translation>
    </message>
    <message>
        <source>Create role %1</source>
        <translation>Créer le rôle %1</translation>
    </message>
    <message>
        <source>Delete role %1</source>
        <translation>Supprimer le rôle %1</translation>
    </message>
    <message>
        <source>Change role %1</source>
        <translation>Modifier le rôle %1</translation>
    </message>
    <message>
        <source>Change user %1</source>
        <translation>Modifier l’utilisateur %1</translation>
    </message>
</context>
<context>
    <name>Environment</name>
    <message>
        <source>Production</source>
        <translation>Production</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>Préproduction</translation>
    </message>
    <message>
        <source>Development</source>
        <translation>Développement</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>Bac à sable</translation>
    </message>
</context>
<context>
    <name>JsonCodec</name>
    <message>
        <source>%1: expected %2.</source>
        <translation>%1&#xa0;: %2 attendu.</translation>
    </message>
    <message>
        <source>%1: this field is unknown or cannot be set here (known: %2).</source>
        <translation>%1&#xa0;: ce champ est inconnu ou ne peut pas être défini ici (connus&#xa0;: %2).</translation>
    </message>
</context>
<context>
    <name>PromoteDialog</name>
    <message>
        <source>(not set)</source>
        <translation>(non défini)</translation>
    </message>
</context>
<context>
    <name>RoleListModel</name>
    <message>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Environnement</translation>
    </message>
</context>
<context>
    <name>RolesPage</name>
    <message>
        <source>New Role</source>
        <translation>Nouveau rôle</translation>
    </message>
    <message>
        <source>A custom role of %1. Its permissions and the roles it includes are chosen on the page once it exists.</source>
        <translation>Un rôle personnalisé de %1. Ses autorisations et les rôles qu’il inclut se choisissent sur la page une fois qu’il existe.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>N&amp;om&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Description&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Scope:</source>
        <translation>&amp;Portée&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation>&amp;Créer</translation>
    </message>
</context>
<context>
    <name>SqlSession</name>
    <message numerus="yes">
        <source>“%1” is still granted %n time(s); take it away from its members first.</source>
        <translation>
            <numerusform>«&#xa0;%1&#xa0;» est encore attribué %n fois&#xa0;; retirez-le d’abord à ses membres.</numerusform>
            <numerusform>«&#xa0;%1&#xa0;» est encore attribué %n fois&#xa0;; retirez-le d’abord à ses membres.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The change to %n user(s) was cancelled; nothing was changed.</source>
        <translation>
            <numerusform>La modification de %n utilisateur a été annulée&#xa0;; rien n’a été modifié.</numerusform>
            <numerusform>La modification de %n utilisateurs a été annulée&#xa0;; rien n’a été modifié.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SqlStore</name>
    <message>
        <source>The database is locked by another program; close it and generate the demo again.</source>
        <translation>La base de données est verrouillée par un autre programme&#xa0;; fermez-le et générez de nouveau la démo.</translation>
    </message>
    <message>
        <source>The demo data could not be written: the disk is full or failed.</source>
        <translation>Les données de démonstration n’ont pas pu être écrites&#xa0;: le disque est plein ou défaillant.</translation>
    </message>
    <message>
        <source>Could not write the demo data (%1).</source>
        <translation>Impossible d’écrire les données de démonstration (%1).</translation>
    </message>
</context>
<context>
    <name>Store</name>
    <message>
        <source>The operation was cancelled.</source>
        <translation>L’opération a été annulée.</translation>
    </message>
    <message>
        <source>An unexpected error occurred; please report it.</source>
        <translation>Une erreur inattendue s’est produite&#xa0;; merci de la signaler.</translation>
    </message>
</context>
<context>
    <name>Tenant</name>
    <message>
        <source>A slug has 2 to 100 characters; &quot;%1&quot; has %2.</source>
        <translation>Un identifiant court compte de 2 à 100 caractères&#xa0;; «&#xa0;%1&#xa0;» en compte %2.</translation>
    </message>
    <message>
        <source>A slug uses lower-case letters, digits and hyphens in dot-separated parts, each starting and ending with a letter or digit; &quot;%1&quot; does not.</source>
        <translation>Un identifiant court se compose de lettres minuscules, de chiffres et de traits d’union, en parties séparées par des points qui commencent et finissent chacune par une lettre ou un chiffre&#xa0;; ce n’est pas le cas de «&#xa0;%1&#xa0;».</translation>
    </message>
</context>
<context>
    <name>TenantDesk</name>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>its hash does not match its contents: it was changed after it was written</source>
        <translation>son empreinte ne correspond pas à son contenu&#xa0;: il a été modifié après son écriture</translation>
    </message>
    <message>
        <source>it is the first event of its chain here but names a predecessor (%1): the events before it were deleted</source>
        <translation>c’est ici le premier événement de sa chaîne, mais il désigne un prédécesseur (%1)&#xa0;: les événements précédents ont été supprimés</translation>
    </message>
    <message>
        <source>it does not follow event %1 (it names predecessor %2, event %1 has hash %3): an event between them was deleted or inserted</source>
        <translation>il ne suit pas l’événement %1 (il désigne le prédécesseur %2, l’événement %1 a l’empreinte %3)&#xa0;: un événement entre eux a été supprimé ou inséré</translation>
    </message>
    <message>
        <source>billing export</source>
        <translation>export de facturation</translation>
    </message>
    <message>
        <source>FOCUS</source>
        <translation>FOCUS</translation>
    </message>
    <message>
        <source>AWS Cost and Usage Report</source>
        <translation>AWS Cost and Usage Report</translation>
    </message>
    <message>
        <source>AWS CUR 2.0</source>
        <translation>AWS CUR 2.0</translation>
    </message>
    <message>
        <source>Azure cost details (EA)</source>
        <translation>Détails des coûts Azure (EA)</translation>
    </message>
    <message>
        <source>Azure cost details (MCA)</source>
        <translation>Détails des coûts Azure (MCA)</translation>
    </message>
    <message>
        <source>%1 is not a number</source>
        <translation>%1 n’est pas un nombre</translation>
    </message>
    <message>
        <source>%1 has more than 18 decimals</source>
        <translation>%1 a plus de 18 décimales</translation>
    </message>
    <message>
        <source>%1 is too large for an amount</source>
        <translation>%1 est trop grand pour un montant</translation>
    </message>
    <message>
        <source>%1 is not a date and time (expected 2024-09-01T00:00:00Z, 2024-09-01 00:00:00 or 09/01/2024)</source>
        <translation>%1 n’est pas une date et heure (attendu&#xa0;: 2024-09-01T00:00:00Z, 2024-09-01 00:00:00 ou 09/01/2024)</translation>
    </message>
    <message>
        <source>%1 is not a valid date and time</source>
        <translation>%1 n’est pas une date et heure valide</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1: the tag %2 is not written as key:value</source>
        <translation>%1&#xa0;: l’étiquette %2 n’est pas écrite sous la forme clé:valeur</translation>
    </message>
    <message>
        <source>Keycloak&apos;s own role for offline tokens</source>
        <translation>Rôle propre à Keycloak pour les jetons hors ligne</translation>
    </message>
    <message>
        <source>Keycloak&apos;s own role for User-Managed Access</source>
        <translation>Rôle propre à Keycloak pour User-Managed Access</translation>
    </message>
    <message>
        <source>Keycloak&apos;s holder of the roles it grants at registration</source>
        <translation>Conteneur Keycloak des rôles accordés à l’inscription</translation>
    </message>
    <message>
        <source>Keycloak&apos;s administration of the realm itself</source>
        <translation>Administration Keycloak du domaine lui-même</translation>
    </message>
    <message>
        <source>Keycloak&apos;s identity brokering</source>
        <translation>Courtage d’identité de Keycloak</translation>
    </message>
    <message>
        <source>Keycloak&apos;s own account console</source>
        <translation>Console de compte propre à Keycloak</translation>
    </message>
    <message>
        <source>Keycloak&apos;s admin console</source>
        <translation>Console d’administration de Keycloak</translation>
    </message>
    <message>
        <source>Keycloak&apos;s command-line administration</source>
        <translation>Administration de Keycloak en ligne de commande</translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2 at offset %3 (line %4).</source>
        <translation>%1 n’est pas un JSON valide&#xa0;: %2 à la position %3 (ligne %4).</translation>
    </message>
    <message>
        <source>%1 is not a Keycloak realm export: it has no “realm” field.</source>
        <translation>%1 n’est pas un export de domaine Keycloak&#xa0;: il n’a pas de champ «&#xa0;realm&#xa0;».</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 ne peut pas être lu&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 holds an empty array: no realm to import.</source>
        <translation>%1 contient un tableau vide&#xa0;: aucun domaine à importer.</translation>
    </message>
    <message>
        <source>%1, realm %2 of %3</source>
        <translation>%1, domaine %2 sur %3</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Le dossier %1 n’existe pas.</translation>
    </message>
    <message>
        <source>The folder %1 holds no &lt;realm&gt;-realm.json file of a Keycloak export.</source>
        <translation>Le dossier %1 ne contient aucun fichier &lt;realm&gt;-realm.json d’un export Keycloak.</translation>
    </message>
    <message>
        <source>%1 not read: users of a user federation (LDAP, Kerberos...) stay in their directory.</source>
        <translation>%1 non lu&#xa0;: les utilisateurs d’une fédération d’utilisateurs (LDAP, Kerberos…) restent dans leur annuaire.</translation>
    </message>
    <message>
        <source>%1 holds users of a realm without a %2-realm.json file in the folder.</source>
        <translation>%1 contient des utilisateurs d’un domaine sans fichier %2-realm.json dans le dossier.</translation>
    </message>
    <message>
        <source>There is no tenant with id %1 that you may see.</source>
        <translation>Il n’existe aucun locataire d’identifiant %1 que vous puissiez voir.</translation>
    </message>
    <message>
        <source>The server&apos;s answer to %1 cannot be read: %2</source>
        <translation>La réponse du serveur à %1 est illisible&#xa0;: %2</translation>
    </message>
    <message>
        <source>The keychain holds nothing for %1.</source>
        <translation>Le trousseau ne contient rien pour %1.</translation>
    </message>
    <message>
        <source>The keychain refused access (is it locked?).</source>
        <translation>Le trousseau a refusé l’accès (est-il verrouillé&#xa0;?).</translation>
    </message>
    <message>
        <source>No keychain is available (no Secret Service such as GNOME Keyring or KWallet answers), so you will be asked for your password each time.</source>
        <translation>Aucun trousseau n’est disponible (aucun service Secret Service tel que GNOME Keyring ou KWallet ne répond)&#xa0;; votre mot de passe vous sera donc demandé à chaque fois.</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, such as https://tenants.example.com.</source>
        <translation>Saisissez l’adresse du serveur, par exemple https://tenants.example.com.</translation>
    </message>
    <message>
        <source>“%1” is not a server address; write it as https://host or https://host:port.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse de serveur&#xa0;; écrivez-la sous la forme https://hôte ou https://hôte:port.</translation>
    </message>
    <message>
        <source>The address must start with https:// (not %1://).</source>
        <translation>L’adresse doit commencer par https:// (et non %1://).</translation>
    </message>
    <message>
        <source>Use https:// for %1: with plain http your password would cross the network unencrypted.</source>
        <translation>Utilisez https:// pour %1&#xa0;: en http simple, votre mot de passe circulerait en clair sur le réseau.</translation>
    </message>
    <message>
        <source>The address should hold only the server and port, such as https://host:8443.</source>
        <translation>L’adresse ne doit contenir que le serveur et le port, par exemple https://hôte:8443.</translation>
    </message>
    <message>
        <source>Attribution rules, budgets and roll-ups are changed by a platform administrator only.</source>
        <translation>Seul un administrateur de plateforme peut modifier les règles d’attribution, les budgets et les agrégats.</translation>
    </message>
    <message>
        <source>Could not read the attribution rules</source>
        <translation>Impossible de lire les règles d’attribution</translation>
    </message>
    <message>
        <source>The stored attribution rules cannot be read: %1</source>
        <translation>Les règles d’attribution enregistrées sont illisibles&#xa0;: %1</translation>
    </message>
    <message>
        <source>from/to: a billing range needs a start before its end.</source>
        <translation>from/to&#xa0;: une plage de facturation doit commencer avant sa fin.</translation>
    </message>
    <message>
        <source>Could not read the tenants</source>
        <translation>Impossible de lire les locataires</translation>
    </message>
    <message>
        <source>a tag key cannot be empty.</source>
        <translation>une clé d’étiquette ne peut pas être vide.</translation>
    </message>
    <message>
        <source>a tag mapping needs the tag key it reads.</source>
        <translation>une correspondance d’étiquette nécessite la clé d’étiquette qu’elle lit.</translation>
    </message>
    <message>
        <source>a mapping needs the value it maps.</source>
        <translation>une correspondance nécessite la valeur qu’elle fait correspondre.</translation>
    </message>
    <message>
        <source>sub-account %1</source>
        <translation>sous-compte %1</translation>
    </message>
    <message>
        <source>%1 is mapped to tenant %2 here and to tenant %3 by mappings[%4]; map each value to one tenant.</source>
        <translation>%1 correspond ici au locataire %2 et au locataire %3 par mappings[%4]&#xa0;; faites correspondre chaque valeur à un seul locataire.</translation>
    </message>
    <message>
        <source>a shared cost needs the service or account it matches.</source>
        <translation>un coût partagé nécessite le service ou le compte auquel il correspond.</translation>
    </message>
    <message>
        <source>there is no tenant with id %1.</source>
        <translation>il n’existe aucun locataire d’identifiant %1.</translation>
    </message>
    <message>
        <source>Could not rebuild the billing roll-ups</source>
        <translation>Impossible de reconstruire les agrégats de facturation</translation>
    </message>
    <message>
        <source>Billing files are imported and deleted by a platform administrator only.</source>
        <translation>Seul un administrateur de plateforme peut importer et supprimer des fichiers de facturation.</translation>
    </message>
    <message>
        <source>“%1” is not a plain decimal amount.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un montant décimal simple.</translation>
    </message>
    <message>
        <source>Could not read the billing imports</source>
        <translation>Impossible de lire les imports de facturation</translation>
    </message>
    <message>
        <source>“%1” was imported before, as “%2” on %3 (import %4). Skip it, or replace that import.</source>
        <translation>«&#xa0;%1&#xa0;» a déjà été importé, sous le nom «&#xa0;%2&#xa0;» le %3 (import %4). Ignorez-le, ou remplacez cet import.</translation>
    </message>
    <message>
        <source>Could not open “%1”: Qt&apos;s PostgreSQL driver (QPSQL) is not installed. Install it (Debian: libqt6sql6-psql).</source>
        <translation>Impossible d’ouvrir «&#xa0;%1&#xa0;»&#xa0;: le pilote PostgreSQL de Qt (QPSQL) n’est pas installé. Installez-le (Debian&#xa0;: libqt6sql6-psql).</translation>
    </message>
    <message>
        <source>“%1” has a connection parameter that TenantDesk cannot pass on: “%2”.</source>
        <translation>«&#xa0;%1&#xa0;» a un paramètre de connexion que TenantDesk ne peut pas transmettre&#xa0;: «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>%1: the schema is to be created by the role that owns TenantDesk&apos;s tables, not by tenantdesk_app, the role tenantdesk-server connects as. Connect as the owner role (see docs/POSTGRESQL.md).</source>
        <translation>%1&#xa0;: le schéma doit être créé par le rôle propriétaire des tables de TenantDesk, et non par tenantdesk_app, le rôle sous lequel tenantdesk-server se connecte. Connectez-vous avec le rôle propriétaire (voir docs/POSTGRESQL.md).</translation>
    </message>
    <message>
        <source>%1: the role tenantdesk_app on “%2” is a superuser or may bypass row-level security, so tenants would not be kept apart. Run ALTER ROLE tenantdesk_app NOSUPERUSER NOBYPASSRLS, then open the database again.</source>
        <translation>%1&#xa0;: le rôle tenantdesk_app sur «&#xa0;%2&#xa0;» est superutilisateur ou peut contourner la sécurité au niveau des lignes&#xa0;; les locataires ne seraient donc pas isolés. Exécutez ALTER ROLE tenantdesk_app NOSUPERUSER NOBYPASSRLS, puis rouvrez la base de données.</translation>
    </message>
    <message>
        <source>%1: could not give the role tenantdesk_app its rights on the tables of “%2”. Connect as the role that owns them (see docs/POSTGRESQL.md).</source>
        <translation>%1&#xa0;: impossible d’accorder au rôle tenantdesk_app ses droits sur les tables de «&#xa0;%2&#xa0;». Connectez-vous avec le rôle qui en est propriétaire (voir docs/POSTGRESQL.md).</translation>
    </message>
    <message>
        <source>Could not open “%1”</source>
        <translation>Impossible d’ouvrir «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>“%1” runs %2; TenantDesk needs PostgreSQL 12 or newer.</source>
        <translation>«&#xa0;%1&#xa0;» exécute %2&#xa0;; TenantDesk nécessite PostgreSQL 12 ou une version ultérieure.</translation>
    </message>
    <message>
        <source>“%1” has no schema on the user&apos;s search_path to keep TenantDesk&apos;s tables in. Create one, or set the search_path.</source>
        <translation>«&#xa0;%1&#xa0;» n’a aucun schéma dans le search_path de l’utilisateur pour y placer les tables de TenantDesk. Créez-en un, ou définissez le search_path.</translation>
    </message>
    <message>
        <source>“%1” is an empty PostgreSQL database, not a TenantDesk database.</source>
        <translation>«&#xa0;%1&#xa0;» est une base de données PostgreSQL vide, pas une base de données TenantDesk.</translation>
    </message>
    <message>
        <source>“%1” is a PostgreSQL database of another application, not a TenantDesk database.</source>
        <translation>«&#xa0;%1&#xa0;» est une base de données PostgreSQL d’une autre application, pas une base de données TenantDesk.</translation>
    </message>
    <message>
        <source>“%1” was written by a newer TenantDesk (schema version %2; this TenantDesk reads up to version %3). Update TenantDesk to open it.</source>
        <translation>«&#xa0;%1&#xa0;» a été écrit par une version plus récente de TenantDesk (schéma version %2&#xa0;; cette version lit jusqu’à la version %3). Mettez TenantDesk à jour pour l’ouvrir.</translation>
    </message>
    <message>
        <source>Could not bring “%1” up to date</source>
        <translation>Impossible de mettre «&#xa0;%1&#xa0;» à jour</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <source>Could not read the users</source>
        <translation>Impossible de lire les utilisateurs</translation>
    </message>
    <message>
        <source>Could not read an environment</source>
        <translation>Impossible de lire un environnement</translation>
    </message>
    <message>
        <source>There is no environment with id %1; it may have been removed.</source>
        <translation>Il n’existe aucun environnement d’identifiant %1&#xa0;; il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>Could not change the tenant</source>
        <translation>Impossible de modifier le locataire</translation>
    </message>
    <message>
        <source>Could not change the environment</source>
        <translation>Impossible de modifier l’environnement</translation>
    </message>
    <message>
        <source>Could not check the slug</source>
        <translation>Impossible de vérifier l’identifiant court</translation>
    </message>
    <message>
        <source>slug: “%1” is taken by the tenant “%2”; choose another.</source>
        <translation>identifiant court&#xa0;: «&#xa0;%1&#xa0;» est déjà pris par le locataire «&#xa0;%2&#xa0;»&#xa0;; choisissez-en un autre.</translation>
    </message>
    <message>
        <source>Could not check the environment&apos;s name</source>
        <translation>Impossible de vérifier le nom de l’environnement</translation>
    </message>
    <message>
        <source>name: the tenant already has an environment called “%1”.</source>
        <translation>nom&#xa0;: le locataire a déjà un environnement nommé «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>%1: “%2” is %3; its data no longer changes.</source>
        <translation>%1&#xa0;: «&#xa0;%2&#xa0;» est %3&#xa0;; ses données ne changent plus.</translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation>Impossible d’ajouter l’environnement</translation>
    </message>
    <message>
        <source>Could not read a user</source>
        <translation>Impossible de lire un utilisateur</translation>
    </message>
    <message>
        <source>There is no user with id %1; they may have been deleted.</source>
        <translation>Il n’existe aucun utilisateur d’identifiant %1&#xa0;; il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>Could not lock the row to change</source>
        <translation>Impossible de verrouiller la ligne à modifier</translation>
    </message>
    <message>
        <source>Could not read a role</source>
        <translation>Impossible de lire un rôle</translation>
    </message>
    <message>
        <source>There is no role with id %1; it may have been deleted.</source>
        <translation>Il n’existe aucun rôle d’identifiant %1&#xa0;; il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>Could not count the sub-tenants</source>
        <translation>Impossible de compter les sous-locataires</translation>
    </message>
    <message>
        <source>“%1” is being retired; it takes no new members.</source>
        <translation>«&#xa0;%1&#xa0;» est en cours de retrait&#xa0;; il n’accepte plus de nouveaux membres.</translation>
    </message>
    <message>
        <source>“%1” has no environment with id %2.</source>
        <translation>«&#xa0;%1&#xa0;» n’a aucun environnement d’identifiant %2.</translation>
    </message>
    <message>
        <source>the role “%1” belongs to another tenant; it cannot be granted on “%2”.</source>
        <translation>le rôle «&#xa0;%1&#xa0;» appartient à un autre locataire&#xa0;; il ne peut pas être attribué sur «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is a platform role; platform roles are held across tenants, not granted on one.</source>
        <translation>«&#xa0;%1&#xa0;» est un rôle de plateforme&#xa0;; les rôles de plateforme s’exercent sur tous les locataires et ne sont pas attribués sur un seul.</translation>
    </message>
    <message>
        <source>“%1” is an environment role; grant it on one of the tenant&apos;s environments.</source>
        <translation>«&#xa0;%1&#xa0;» est un rôle d’environnement&#xa0;; attribuez-le sur l’un des environnements du locataire.</translation>
    </message>
    <message>
        <source>Could not read the memberships</source>
        <translation>Impossible de lire les appartenances</translation>
    </message>
    <message>
        <source>“%1” is no permission TenantDesk knows (expected one of %2).</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une autorisation connue de TenantDesk (attendu&#xa0;: l’une de %2).</translation>
    </message>
    <message>
        <source>there is no role with id %1 here.</source>
        <translation>il n’existe ici aucun rôle d’identifiant %1.</translation>
    </message>
    <message>
        <source>a role cannot include itself.</source>
        <translation>un rôle ne peut pas s’inclure lui-même.</translation>
    </message>
    <message>
        <source>“%1” cannot include “%2”: a role includes only built-in roles and roles of its own tenant, of no wider scope.</source>
        <translation>«&#xa0;%1&#xa0;» ne peut pas inclure «&#xa0;%2&#xa0;»&#xa0;: un rôle n’inclut que des rôles intégrés et des rôles de son propre locataire, de portée non plus large.</translation>
    </message>
    <message>
        <source>including these roles would make a cycle: %1.</source>
        <translation>inclure ces rôles créerait un cycle&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Could not check the role&apos;s name</source>
        <translation>Impossible de vérifier le nom du rôle</translation>
    </message>
    <message>
        <source>“%1” is the name of a built-in or platform role.</source>
        <translation>«&#xa0;%1&#xa0;» est le nom d’un rôle intégré ou de plateforme.</translation>
    </message>
    <message>
        <source>there is a role called “%1” already.</source>
        <translation>il existe déjà un rôle nommé «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not save the role</source>
        <translation>Impossible d’enregistrer le rôle</translation>
    </message>
    <message>
        <source>The file is not a usable tenant backup: %1: expected %2.</source>
        <translation>Le fichier n’est pas une sauvegarde de locataire utilisable&#xa0;: %1&#xa0;: %2 attendu.</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>une liste</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>un objet</translation>
    </message>
    <message>
        <source>text</source>
        <translation>du texte</translation>
    </message>
    <message>
        <source>The e-mail address is empty.</source>
        <translation>L’adresse e-mail est vide.</translation>
    </message>
    <message>
        <source>“%1” is not a status: use invited, active or disabled.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un statut&#xa0;: utilisez invited, active ou disabled.</translation>
    </message>
    <message>
        <source>A membership needs a role: this names %1 but no role.</source>
        <translation>Une appartenance nécessite un rôle&#xa0;: celle-ci désigne %1 mais aucun rôle.</translation>
    </message>
    <message>
        <source>environment “%1”</source>
        <translation>environnement «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>tenant “%1”</source>
        <translation>locataire «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>The role “%1” needs a tenant: none is named here and the import has no tenant of its own.</source>
        <translation>Le rôle «&#xa0;%1&#xa0;» nécessite un locataire&#xa0;: aucun n’est indiqué ici et l’import n’a pas de locataire propre.</translation>
    </message>
    <message>
        <source>The file is not UTF-8: the bytes at offset %1 (counted from 0; line %2) are no UTF-8 character. Save it as UTF-8 and import it again.</source>
        <translation>Le fichier n’est pas en UTF-8&#xa0;: les octets à la position %1 (à partir de 0&#xa0;; ligne %2) ne forment pas un caractère UTF-8. Enregistrez-le en UTF-8 et importez-le de nouveau.</translation>
    </message>
    <message>
        <source>“%1” is too long for an e-mail address (at most 254 characters).</source>
        <translation>«&#xa0;%1&#xa0;» est trop long pour une adresse e-mail (254 caractères au maximum).</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: it needs exactly one “@”.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail&#xa0;: elle doit contenir exactement un «&#xa0;@&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: it needs a name before the “@” and a domain after it.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail&#xa0;: elle doit avoir un nom avant le «&#xa0;@&#xa0;» et un domaine après.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: “%2” may not appear before the “@”.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail&#xa0;: «&#xa0;%2&#xa0;» ne peut pas figurer avant le «&#xa0;@&#xa0;».</translation>
    </message>
    <message>
        <source>a blank</source>
        <translation>un espace</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: the part before the “@” may not start or end with a dot or have two in a row.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail&#xa0;: la partie avant le «&#xa0;@&#xa0;» ne peut ni commencer ni finir par un point, ni en contenir deux à la suite.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: the domain after the “@” is dot-separated names of letters, digits and hyphens.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail&#xa0;: le domaine après le «&#xa0;@&#xa0;» se compose de noms de lettres, chiffres et traits d’union séparés par des points.</translation>
    </message>
    <message>
        <source>The file is empty: it needs a header row naming the columns, at least “email”.</source>
        <translation>Le fichier est vide&#xa0;: il lui faut une ligne d’en-tête nommant les colonnes, au moins «&#xa0;email&#xa0;».</translation>
    </message>
    <message>
        <source>The column “%1” appears twice (columns %2 and %3).</source>
        <translation>La colonne «&#xa0;%1&#xa0;» apparaît deux fois (colonnes %2 et %3).</translation>
    </message>
    <message>
        <source>The header row has no “email” column; it names: %1.</source>
        <translation>La ligne d’en-tête n’a pas de colonne «&#xa0;email&#xa0;»&#xa0;; elle nomme&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Columns ignored (not read by this import): %1.</source>
        <translation>Colonnes ignorées (non lues par cet import)&#xa0;: %1.</translation>
    </message>
    <message>
        <source>A quoted field starts on line %1 but its closing quote never comes.</source>
        <translation>Un champ entre guillemets commence à la ligne %1 mais son guillemet fermant n’arrive jamais.</translation>
    </message>
    <message>
        <source>line %1</source>
        <translation>ligne %1</translation>
    </message>
    <message>
        <source>This row has %1 fields but the header has %2.</source>
        <translation>Cette ligne a %1 champs mais l’en-tête en a %2.</translation>
    </message>
    <message>
        <source>%1 rows read: %2 users with %3 memberships.</source>
        <translation>%1 lignes lues&#xa0;: %2 utilisateurs avec %3 appartenances.</translation>
    </message>
    <message>
        <source>The file is not valid JSON: %1 at offset %2 (line %3).</source>
        <translation>Le fichier n’est pas un JSON valide&#xa0;: %1 à la position %2 (ligne %3).</translation>
    </message>
    <message>
        <source>The file holds neither an object with a “users” array nor an array of users.</source>
        <translation>Le fichier ne contient ni un objet avec un tableau «&#xa0;users&#xa0;», ni un tableau d’utilisateurs.</translation>
    </message>
    <message>
        <source>record %1</source>
        <translation>enregistrement %1</translation>
    </message>
    <message>
        <source>A user is a JSON object; record %1 is not.</source>
        <translation>Un utilisateur est un objet JSON&#xa0;; l’enregistrement %1 n’en est pas un.</translation>
    </message>
    <message>
        <source>“%1” is to be a string.</source>
        <translation>«&#xa0;%1&#xa0;» doit être une chaîne.</translation>
    </message>
    <message>
        <source>“memberships” is to be an array.</source>
        <translation>«&#xa0;memberships&#xa0;» doit être un tableau.</translation>
    </message>
    <message>
        <source>A membership is a JSON object.</source>
        <translation>Une appartenance est un objet JSON.</translation>
    </message>
    <message>
        <source>%1 records read: %2 users with %3 memberships.</source>
        <translation>%1 enregistrements lus&#xa0;: %2 utilisateurs avec %3 appartenances.</translation>
    </message>
    <message>
        <source>cursor: this cursor belongs to another query or order; start again from the first page.</source>
        <translation>cursor&#xa0;: ce curseur appartient à une autre requête ou à un autre tri&#xa0;; recommencez à la première page.</translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation>Non attribué</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Locataire %1</translation>
    </message>
    <message>
        <source>(no service)</source>
        <translation>(aucun service)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d’écrire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Devise</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Synthèse</translation>
    </message>
    <message>
        <source>Generated %1 by %2</source>
        <translation>Généré le %1 par %2</translation>
    </message>
    <message>
        <source>Billed cost</source>
        <translation>Coût facturé</translation>
    </message>
    <message>
        <source>Shared cost spread</source>
        <translation>Répartition des coûts partagés</translation>
    </message>
    <message>
        <source>Month over month (%1 against %2)</source>
        <translation>D’un mois sur l’autre (%1 contre %2)</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Précédent</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>Le plus récent</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>Change %</source>
        <translation>Évolution %</translation>
    </message>
    <message>
        <source>Tenants</source>
        <translation>Locataires</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation>Budgets</translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation>Budget mensuel</translation>
    </message>
    <message>
        <source>Cost, latest month</source>
        <translation>Coût, dernier mois</translation>
    </message>
    <message>
        <source>Used %</source>
        <translation>% consommé</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Détail</translation>
    </message>
    <message>
        <source>Service category</source>
        <translation>Catégorie de service</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Mois</translation>
    </message>
    <message>
        <source>Effective cost</source>
        <translation>Coût effectif</translation>
    </message>
    <message>
        <source>List cost</source>
        <translation>Coût catalogue</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Lignes</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Partagé</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <source>Generated %1.</source>
        <translation>Généré le %1.</translation>
    </message>
    <message>
        <source>Other tenants</source>
        <translation>Autres locataires</translation>
    </message>
    <message>
        <source>Cost per month by tenant</source>
        <translation>Coût par mois et par locataire</translation>
    </message>
    <message>
        <source>Cost by tenant</source>
        <translation>Coût par locataire</translation>
    </message>
    <message>
        <source>Cost by service</source>
        <translation>Coût par service</translation>
    </message>
    <message>
        <source>Month over month: %1 against %2</source>
        <translation>D’un mois sur l’autre&#xa0;: %1 contre %2</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Consommé</translation>
    </message>
    <message>
        <source>the file name is empty</source>
        <translation>le nom de fichier est vide</translation>
    </message>
    <message>
        <source>“%1” is an absolute path; name a file inside the pack</source>
        <translation>«&#xa0;%1&#xa0;» est un chemin absolu&#xa0;; indiquez un fichier du pack</translation>
    </message>
    <message>
        <source>“%1” names a drive, a resource or a URL; name a file inside the pack</source>
        <translation>«&#xa0;%1&#xa0;» désigne un lecteur, une ressource ou une URL&#xa0;; indiquez un fichier du pack</translation>
    </message>
    <message>
        <source>“%1” leaves the pack folder (..)</source>
        <translation>«&#xa0;%1&#xa0;» sort du dossier du pack (..)</translation>
    </message>
    <message>
        <source>the file is missing</source>
        <translation>le fichier est absent</translation>
    </message>
    <message>
        <source>the file cannot be read: %1</source>
        <translation>le fichier ne peut pas être lu&#xa0;: %1</translation>
    </message>
    <message>
        <source>the file has %1 bytes, more than the limit of %2</source>
        <translation>le fichier fait %1 octets, plus que la limite de %2</translation>
    </message>
    <message>
        <source>text follows the tags&apos; closing brace</source>
        <translation>du texte suit l’accolade fermante des étiquettes</translation>
    </message>
    <message>
        <source>Other services</source>
        <translation>Autres services</translation>
    </message>
    <message>
        <source>Cost per month by service</source>
        <translation>Coût par mois et par service</translation>
    </message>
    <message>
        <source>Cost against budget, %1</source>
        <translation>Coût par rapport au budget, %1</translation>
    </message>
    <message>
        <source>No billing data matches this report: there is no cost to show.</source>
        <translation>Aucune donnée de facturation ne correspond à ce rapport : il n’y a aucun coût à afficher.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ApiRequest</name>
    <message>
        <source>environment_id: name the environment&apos;s tenant with tenant_id too.</source>
        <translation>environment_id&#xa0;: indiquez aussi le locataire de l’environnement avec tenant_id.</translation>
    </message>
    <message>
        <source>tenant_id: required.</source>
        <translation>tenant_id&#xa0;: obligatoire.</translation>
    </message>
    <message>
        <source>from/to: required.</source>
        <translation>from/to&#xa0;: obligatoire.</translation>
    </message>
    <message>
        <source>%1: expected true or false.</source>
        <translation>%1&#xa0;: true ou false attendu.</translation>
    </message>
    <message>
        <source>The body is not valid JSON: %1 at character %2.</source>
        <translation>Le corps n’est pas un JSON valide&#xa0;: %1 au caractère %2.</translation>
    </message>
    <message>
        <source>The body must be a JSON object.</source>
        <translation>Le corps doit être un objet JSON.</translation>
    </message>
    <message>
        <source>%1: required, a non-empty string.</source>
        <translation>%1&#xa0;: obligatoire, une chaîne non vide.</translation>
    </message>
    <message>
        <source>%1: at most %2 characters.</source>
        <translation>%1&#xa0;: %2 caractères au maximum.</translation>
    </message>
    <message>
        <source>%1: this field is unknown here.</source>
        <translation>%1&#xa0;: ce champ est inconnu ici.</translation>
    </message>
    <message>
        <source>%1: expected an id (a positive whole number) or null.</source>
        <translation>%1&#xa0;: identifiant (nombre entier positif) ou null attendu.</translation>
    </message>
    <message>
        <source>parent_id: required: the new parent&apos;s id, or null for the top level.</source>
        <translation>parent_id&#xa0;: obligatoire&#xa0;: l’identifiant du nouveau parent, ou null pour le premier niveau.</translation>
    </message>
    <message>
        <source>status: “%1” is not a tenant status (%2).</source>
        <translation>status&#xa0;: «&#xa0;%1&#xa0;» n’est pas un statut de locataire (%2).</translation>
    </message>
    <message>
        <source>source_id: required: the environment whose settings are promoted.</source>
        <translation>source_id&#xa0;: obligatoire&#xa0;: l’environnement dont les paramètres sont promus.</translation>
    </message>
    <message>
        <source>keys: required: the names of the settings to promote, in an array.</source>
        <translation>keys&#xa0;: obligatoire&#xa0;: les noms des paramètres à promouvoir, dans un tableau.</translation>
    </message>
    <message>
        <source>keys: expected the names of settings (non-empty strings).</source>
        <translation>keys&#xa0;: noms de paramètres attendus (chaînes non vides).</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ApiServer</name>
    <message>
        <source>Could not open the access log “%1”.</source>
        <translation>Impossible d’ouvrir le journal d’accès «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>The TLS certificate “%1” or its key “%2” cannot be used.</source>
        <translation>Le certificat TLS «&#xa0;%1&#xa0;» ou sa clé «&#xa0;%2&#xa0;» est inutilisable.</translation>
    </message>
    <message>
        <source>There is no such resource.</source>
        <translation>Cette ressource n’existe pas.</translation>
    </message>
    <message>
        <source>The body is larger than the server accepts.</source>
        <translation>Le corps de la requête dépasse la taille acceptée par le serveur.</translation>
    </message>
    <message>
        <source>The request is malformed.</source>
        <translation>La requête est mal formée.</translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation>Aucun utilisateur n’a l’adresse e-mail «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ApiServer::Impl</name>
    <message>
        <source>Sign in first: this request carries no access token.</source>
        <translation>Connectez-vous d’abord&#xa0;: cette requête ne contient aucun jeton d’accès.</translation>
    </message>
    <message>
        <source>The access token has expired; refresh it or sign in again.</source>
        <translation>Le jeton d’accès a expiré&#xa0;; actualisez-le ou reconnectez-vous.</translation>
    </message>
    <message>
        <source>The access token is not valid; sign in again.</source>
        <translation>Le jeton d’accès n’est pas valide&#xa0;; reconnectez-vous.</translation>
    </message>
    <message>
        <source>The server met an unexpected error; it was logged.</source>
        <translation>Le serveur a rencontré une erreur inattendue&#xa0;; elle a été journalisée.</translation>
    </message>
    <message>
        <source>The body must be JSON (Content-Type: application/json).</source>
        <translation>Le corps doit être du JSON (Content-Type: application/json).</translation>
    </message>
    <message>
        <source>There is no tenant with id %1 that you may see.</source>
        <translation>Il n’existe aucun locataire d’identifiant %1 que vous puissiez voir.</translation>
    </message>
    <message>
        <source>You may not do this on this tenant (it needs the permission %1).</source>
        <translation>Vous ne pouvez pas effectuer cette opération sur ce locataire (elle nécessite l’autorisation %1).</translation>
    </message>
    <message>
        <source>There is no environment with id %1 that you may see.</source>
        <translation>Il n’existe aucun environnement d’identifiant %1 que vous puissiez voir.</translation>
    </message>
    <message>
        <source>You may not do this on this environment (it needs the permission %1).</source>
        <translation>Vous ne pouvez pas effectuer cette opération sur cet environnement (elle nécessite l’autorisation %1).</translation>
    </message>
    <message>
        <source>A change needs the If-Match header with the ETag of the version it was made on.</source>
        <translation>Une modification nécessite l’en-tête If-Match avec l’ETag de la version sur laquelle elle a été faite.</translation>
    </message>
    <message>
        <source>If-Match: expected an ETag such as &quot;7&quot;.</source>
        <translation>If-Match&#xa0;: ETag attendu, par exemple &quot;7&quot;.</translation>
    </message>
    <message>
        <source>“%1” was changed by someone else since you read it (now version %2). Review their change, then edit again.</source>
        <translation>«&#xa0;%1&#xa0;» a été modifié par quelqu’un d’autre depuis votre lecture (version %2 désormais). Examinez sa modification, puis recommencez.</translation>
    </message>
    <message>
        <source>The attribution rules</source>
        <translation>Les règles d’attribution</translation>
    </message>
    <message>
        <source>There is no user with id %1 that you may see.</source>
        <translation>Il n’existe aucun utilisateur d’identifiant %1 que vous puissiez voir.</translation>
    </message>
    <message>
        <source>%1 is a platform principal; only a platform admin changes them.</source>
        <translation>%1 est un principal de plateforme&#xa0;; seul un administrateur de plateforme peut le modifier.</translation>
    </message>
    <message>
        <source>%1 also belongs to tenants you do not administer; ask a platform admin.</source>
        <translation>%1 appartient aussi à des locataires que vous n’administrez pas&#xa0;; adressez-vous à un administrateur de plateforme.</translation>
    </message>
    <message>
        <source>There is no role with id %1 that you may see.</source>
        <translation>Il n’existe aucun rôle d’identifiant %1 que vous puissiez voir.</translation>
    </message>
    <message>
        <source>You may not give the permission %1: you do not hold it on this tenant yourself.</source>
        <translation>Vous ne pouvez pas accorder l’autorisation %1&#xa0;: vous ne la détenez pas vous-même sur ce locataire.</translation>
    </message>
    <message>
        <source>This needs the platform-wide permission %1; name a tenant you administer instead.</source>
        <translation>Cette opération nécessite l’autorisation %1 à l’échelle de la plateforme&#xa0;; indiquez plutôt un locataire que vous administrez.</translation>
    </message>
    <message>
        <source>The tenant “%1” has used its %2 requests per minute; try again in %3 s.</source>
        <translation>Le locataire «&#xa0;%1&#xa0;» a utilisé ses %2 requêtes par minute&#xa0;; réessayez dans %3 s.</translation>
    </message>
    <message>
        <source>Your tenant “%1” is %2; ask a platform admin.</source>
        <translation>Votre locataire «&#xa0;%1&#xa0;» est %2&#xa0;; adressez-vous à un administrateur de plateforme.</translation>
    </message>
    <message>
        <source>Your tenant “%1” is out of service: a tenant above it is %2; ask a platform admin.</source>
        <translation>Votre locataire «&#xa0;%1&#xa0;» est hors service&#xa0;: un locataire parent est %2&#xa0;; adressez-vous à un administrateur de plateforme.</translation>
    </message>
    <message>
        <source>The e-mail or the password is wrong, or the account is not active.</source>
        <translation>L’adresse e-mail ou le mot de passe est incorrect, ou le compte n’est pas actif.</translation>
    </message>
    <message>
        <source>The session has ended; sign in again.</source>
        <translation>La session a pris fin&#xa0;; reconnectez-vous.</translation>
    </message>
    <message>
        <source>There is no tenant with this slug that you may see.</source>
        <translation>Il n’existe aucun locataire avec cet identifiant court que vous puissiez voir.</translation>
    </message>
    <message>
        <source>backup: required, the backup document (a JSON object).</source>
        <translation>backup&#xa0;: obligatoire, le document de sauvegarde (un objet JSON).</translation>
    </message>
    <message>
        <source>tenant_id: required: the tenant the permissions are held on.</source>
        <translation>tenant_id&#xa0;: obligatoire&#xa0;: le locataire sur lequel les autorisations sont détenues.</translation>
    </message>
    <message>
        <source>There is no tenant “%1” that you may see.</source>
        <translation>Il n’existe aucun locataire «&#xa0;%1&#xa0;» que vous puissiez voir.</translation>
    </message>
    <message>
        <source>The body must be the billing file itself (Content-Type: application/octet-stream, application/gzip, application/zip or text/csv).</source>
        <translation>Le corps doit être le fichier de facturation lui-même (Content-Type: application/octet-stream, application/gzip, application/zip ou text/csv).</translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (no temporary directory).</source>
        <translation>Le serveur n’a pas pu conserver le fichier envoyé (aucun répertoire temporaire).</translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file.</source>
        <translation>Le serveur n’a pas pu conserver le fichier envoyé.</translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (its disk may be full).</source>
        <translation>Le serveur n’a pas pu conserver le fichier envoyé (son disque est peut-être plein).</translation>
    </message>
    <message>
        <source>amount: required, a decimal number as a string (&quot;1200.00&quot;), or null to remove the budget.</source>
        <translation>amount&#xa0;: obligatoire, un nombre décimal sous forme de chaîne (&quot;1200.00&quot;), ou null pour supprimer le budget.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AttributionRulesDialog</name>
    <message>
        <source>Attribution Rules</source>
        <translation>Règles d’attribution</translation>
    </message>
    <message>
        <source>No database is open.</source>
        <translation>Aucune base de données n’est ouverte.</translation>
    </message>
    <message>
        <source>Cost goes to a tenant by these rules, tried in order: a mapping of a tag value or sub-account first, then a tag whose value is the tenant&apos;s slug. Cost that matches nothing stays unallocated. Shared cost is spread over tenants instead.</source>
        <translation>Les coûts sont attribués à un locataire selon ces règles, essayées dans l’ordre&#xa0;: d’abord une correspondance de valeur d’étiquette ou de sous-compte, puis une étiquette dont la valeur est l’identifiant court du locataire. Les coûts qui ne correspondent à rien restent non attribués. Les coûts partagés sont plutôt répartis entre les locataires.</translation>
    </message>
    <message>
        <source>Tenant tag &amp;keys</source>
        <translation>Clés d’étiquette de &amp;locataire</translation>
    </message>
    <message>
        <source>Tags whose value is a tenant&apos;s slug, e.g. tenant or user:tenant; double-click to edit</source>
        <translation>Étiquettes dont la valeur est l’identifiant court d’un locataire, p. ex. tenant ou user:tenant&#xa0;; double-cliquez pour modifier</translation>
    </message>
    <message>
        <source>tag-key</source>
        <translation>cle-etiquette</translation>
    </message>
    <message>
        <source>&amp;Mappings: value → tenant</source>
        <translation>&amp;Correspondances&#xa0;: valeur → locataire</translation>
    </message>
    <message>
        <source>S&amp;hared cost</source>
        <translation>Coûts &amp;partagés</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>Correspondance</translation>
    </message>
    <message>
        <source>Service or account</source>
        <translation>Service ou compte</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Répartition</translation>
    </message>
    <message>
        <source>Tenants (slugs, comma-separated; empty: all with direct cost)</source>
        <translation>Locataires (identifiants courts séparés par des virgules&#xa0;; vide&#xa0;: tous ceux ayant un coût direct)</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Appliquer</translation>
    </message>
    <message>
        <source>Store the rules and attribute every line again</source>
        <translation>Enregistrer les règles et réattribuer chaque ligne</translation>
    </message>
    <message>
        <source>Reading the rules…</source>
        <translation>Lecture des règles…</translation>
    </message>
    <message>
        <source>Could not read the rules: %1</source>
        <translation>Impossible de lire les règles&#xa0;: %1</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>Proportional</source>
        <translation>Proportionnelle</translation>
    </message>
    <message>
        <source>Even</source>
        <translation>Égale</translation>
    </message>
    <message>
        <source>Proportional: in proportion to each tenant&apos;s direct cost that month; Even: the same share each</source>
        <translation>Proportionnelle&#xa0;: au prorata du coût direct de chaque locataire ce mois-là&#xa0;; Égale&#xa0;: la même part pour chacun</translation>
    </message>
    <message>
        <source>Shared cost %1: name the service or account.</source>
        <translation>Coût partagé %1&#xa0;: indiquez le service ou le compte.</translation>
    </message>
    <message>
        <source>No tenant has the slug %1: nothing was applied.</source>
        <translation>Aucun locataire n’a l’identifiant court %1&#xa0;: rien n’a été appliqué.</translation>
    </message>
    <message>
        <source>Correct the rules first: nothing was applied.</source>
        <translation>Corrigez d’abord les règles&#xa0;: rien n’a été appliqué.</translation>
    </message>
    <message>
        <source>Looking up the tenants…</source>
        <translation>Recherche des locataires…</translation>
    </message>
    <message>
        <source>Applying the rules to every line…</source>
        <translation>Application des règles à chaque ligne…</translation>
    </message>
    <message>
        <source>Someone changed the rules meanwhile: they are shown as they are now, and yours were not applied. Make your change again and apply.</source>
        <translation>Quelqu’un a modifié les règles entre-temps&#xa0;: elles sont affichées dans leur état actuel et les vôtres n’ont pas été appliquées. Refaites votre modification et appliquez-la.</translation>
    </message>
    <message>
        <source>Could not apply the rules: %1 Nothing was changed.</source>
        <translation>Impossible d’appliquer les règles&#xa0;: %1 Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Could not apply the rules: an unexpected error occurred. Nothing was changed.</source>
        <translation>Impossible d’appliquer les règles&#xa0;: une erreur inattendue s’est produite. Rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Cancelled: the rules and the attribution are as they were.</source>
        <translation>Annulé&#xa0;: les règles et l’attribution sont inchangées.</translation>
    </message>
    <message>
        <source>Applied: %1 lines attributed to tenants, %2 unallocated, %3 shared. Edit → Undo takes it back.</source>
        <translation>Appliqué&#xa0;: %1 lignes attribuées à des locataires, %2 non attribuées, %3 partagées. Édition → Annuler revient en arrière.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Tenant tag keys</source>
        <translation>Clés d’étiquette de locataire</translation>
    </message>
    <message>
        <source>Add &amp;Key</source>
        <translation>Ajouter une &amp;clé</translation>
    </message>
    <message>
        <source>Remove K&amp;ey</source>
        <translation>Supprimer la cl&amp;é</translation>
    </message>
    <message>
        <source>Mappings: value → tenant</source>
        <translation>Correspondances&#xa0;: valeur → locataire</translation>
    </message>
    <message>
        <source>Add Ma&amp;pping</source>
        <translation>Ajouter une corres&amp;pondance</translation>
    </message>
    <message>
        <source>Remove Mappin&amp;g</source>
        <translation>Supprimer la correspondan&amp;ce</translation>
    </message>
    <message>
        <source>Shared cost</source>
        <translation>Coûts partagés</translation>
    </message>
    <message>
        <source>Add Sh&amp;ared Cost</source>
        <translation>Ajouter un coût p&amp;artagé</translation>
    </message>
    <message>
        <source>Remove Shared C&amp;ost</source>
        <translation>Supprimer le c&amp;oût partagé</translation>
    </message>
    <message>
        <source>Shared cost %1: match</source>
        <translation>Coût partagé %1&#xa0;: correspondance</translation>
    </message>
    <message>
        <source>Shared cost %1: split</source>
        <translation>Coût partagé %1&#xa0;: répartition</translation>
    </message>
    <message>
        <source>&amp;Values Seen…</source>
        <translation>&amp;Valeurs présentes…</translation>
    </message>
    <message>
        <source>List the values of the selected mapping&apos;s tag key in the billing lines, with their cost, and map them to tenants</source>
        <translation>Lister les valeurs de la clé d’étiquette de la correspondance sélectionnée dans les lignes de facturation, avec leur coût, et les attribuer à des locataires</translation>
    </message>
    <message>
        <source>Mappings added: apply the rules to attribute the cost again.</source>
        <translation>Correspondances ajoutées : appliquez les règles pour attribuer à nouveau le coût.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AttributionRulesModel</name>
    <message>
        <source>Tag</source>
        <translation>Étiquette</translation>
    </message>
    <message>
        <source>Sub-account</source>
        <translation>Sous-compte</translation>
    </message>
    <message>
        <source>Row %1: a tag mapping needs the tag key.</source>
        <translation>Ligne %1&#xa0;: une correspondance d’étiquette nécessite la clé d’étiquette.</translation>
    </message>
    <message>
        <source>Row %1: the value to match is empty.</source>
        <translation>Ligne %1&#xa0;: la valeur à faire correspondre est vide.</translation>
    </message>
    <message>
        <source>Row %1: no tenant has the slug “%2”.</source>
        <translation>Ligne %1&#xa0;: aucun locataire n’a l’identifiant court «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Row %1: choose the tenant.</source>
        <translation>Ligne %1&#xa0;: choisissez le locataire.</translation>
    </message>
    <message>
        <source>Row %1: looking up “%2”…</source>
        <translation>Ligne %1&#xa0;: recherche de «&#xa0;%2&#xa0;»…</translation>
    </message>
    <message>
        <source>(SubAccountId or name)</source>
        <translation>(SubAccountId ou nom)</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Locataire %1</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Tag key</source>
        <translation>Clé d’étiquette</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Tenant (slug)</source>
        <translation>Locataire (identifiant court)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AttributionValuesDialog</name>
    <message>
        <source>Values Seen</source>
        <translation>Valeurs présentes</translation>
    </message>
    <message>
        <source>The values this tag takes in the billing lines, the costliest first. Select values, type a tenant and choose Map: the mappings are added to the rules, and Apply in the rules stores them.</source>
        <translation>Les valeurs que prend cette étiquette dans les lignes de facturation, les plus coûteuses d’abord. Sélectionnez des valeurs, saisissez un locataire et choisissez Attribuer : les correspondances sont ajoutées aux règles, et Appliquer dans les règles les enregistre.</translation>
    </message>
    <message>
        <source>Tag key</source>
        <translation>Clé d’étiquette</translation>
    </message>
    <message>
        <source>The tag key whose values are listed; the keys seen in the billing lines are offered</source>
        <translation>La clé d’étiquette dont les valeurs sont listées ; les clés présentes dans les lignes de facturation sont proposées</translation>
    </message>
    <message>
        <source>Tag &amp;key:</source>
        <translation>&amp;Clé d’étiquette :</translation>
    </message>
    <message>
        <source>Part of a value</source>
        <translation>Partie d’une valeur</translation>
    </message>
    <message>
        <source>Filter values</source>
        <translation>Filtrer les valeurs</translation>
    </message>
    <message>
        <source>&amp;Filter:</source>
        <translation>&amp;Filtre :</translation>
    </message>
    <message>
        <source>Values seen</source>
        <translation>Valeurs présentes</translation>
    </message>
    <message>
        <source>Map selected values to &amp;tenant:</source>
        <translation>Attribuer les valeurs sélectionnées au &amp;locataire :</translation>
    </message>
    <message>
        <source>Tenant slug</source>
        <translation>Identifiant court du locataire</translation>
    </message>
    <message>
        <source>Tenant to map the selected values to</source>
        <translation>Locataire auquel attribuer les valeurs sélectionnées</translation>
    </message>
    <message>
        <source>&amp;Map</source>
        <translation>&amp;Attribuer</translation>
    </message>
    <message>
        <source>Add a mapping of each selected value to the tenant</source>
        <translation>Ajouter une correspondance de chaque valeur sélectionnée vers le locataire</translation>
    </message>
    <message>
        <source>Choose the tag key whose values to list.</source>
        <translation>Choisissez la clé d’étiquette dont lister les valeurs.</translation>
    </message>
    <message>
        <source>Reading the values of “%1”…</source>
        <translation>Lecture des valeurs de « %1 »…</translation>
    </message>
    <message>
        <source>Could not read the values: %1</source>
        <translation>Impossible de lire les valeurs : %1</translation>
    </message>
    <message>
        <source>Looking up “%1”…</source>
        <translation>Recherche de « %1 »…</translation>
    </message>
    <message>
        <source>Mapped to %1: %2. Apply the rules to attribute their cost.</source>
        <translation>Attribuées à %1 : %2. Appliquez les règles pour attribuer leur coût.</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”: nothing was mapped.</source>
        <translation>Aucun locataire n’a l&apos;identifiant « %1 » : rien n’a été attribué.</translation>
    </message>
    <message>
        <source>No billing line carries the tag “%1”.</source>
        <translation>Aucune ligne de facturation ne porte l’étiquette « %1 ».</translation>
    </message>
    <message>
        <source>%1 values on %2 lines.</source>
        <translation>%1 valeurs sur %2 lignes.</translation>
    </message>
    <message>
        <source>%1 shown.</source>
        <translation>%1 affichées.</translation>
    </message>
    <message>
        <source>%1 selected.</source>
        <translation>%1 sélectionnées.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditDiffModel</name>
    <message>
        <source>Unchanged</source>
        <translation>Inchangé</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Modifié</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Ajouté</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>Supprimé</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clé</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Avant</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Après</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Modification</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditEventModel</name>
    <message>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <source>An event of the platform itself</source>
        <translation>Un événement de la plateforme elle-même</translation>
    </message>
    <message>
        <source>%1 (%2), tenant %3</source>
        <translation>%1 (%2), locataire %3</translation>
    </message>
    <message>
        <source>%1, tenant %2</source>
        <translation>%1, locataire %2</translation>
    </message>
    <message>
        <source>Tenant %1, which no longer exists or is out of reach</source>
        <translation>Locataire %1, qui n’existe plus ou est hors de portée</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Locataire %1</translation>
    </message>
    <message>
        <source>%1
%2 UTC</source>
        <translation>%1
%2 UTC</translation>
    </message>
    <message>
        <source>%1 “%2”, event %3</source>
        <translation>%1 «&#xa0;%2&#xa0;», événement %3</translation>
    </message>
    <message>
        <source>Local time; newest first, as the audit trail is kept</source>
        <translation>Heure locale&#xa0;; les plus récents en premier, dans l’ordre de tenue du journal d’audit</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Heure</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Acteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Could not read more events: %1</source>
        <translation>Impossible de lire d’autres événements : %1</translation>
    </message>
    <message>
        <source>Could not read the events: %1</source>
        <translation>Impossible de lire les événements : %1</translation>
    </message>
    <message>
        <source>%1
Press Enter or double-click to try again.</source>
        <translation>%1
Appuyez sur Entrée ou double-cliquez pour réessayer.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditIntegrityBanner</name>
    <message>
        <source>Audit trail warning</source>
        <translation>Avertissement du journal d’audit</translation>
    </message>
    <message>
        <source>&amp;Details…</source>
        <translation>&amp;Détails…</translation>
    </message>
    <message>
        <source>Audit Trail Altered</source>
        <translation>Journal d’audit altéré</translation>
    </message>
    <message>
        <source>Dis&amp;miss</source>
        <translation>&amp;Ignorer</translation>
    </message>
    <message>
        <source>Hide this warning until the database is opened again</source>
        <translation>Masquer cet avertissement jusqu’à la prochaine ouverture de la base de données</translation>
    </message>
    <message>
        <source>The audit trail has been altered: the platform&apos;s chain breaks at event %1.</source>
        <translation>Le journal d’audit a été altéré&#xa0;: la chaîne de la plateforme est rompue à l’événement %1.</translation>
    </message>
    <message>
        <source>The audit trail has been altered: the chain of tenant %1 breaks at event %2.</source>
        <translation>Le journal d’audit a été altéré&#xa0;: la chaîne du locataire %1 est rompue à l’événement %2.</translation>
    </message>
    <message>
        <source>%1

%2 events in %3 chains were checked. An event was edited, deleted or inserted outside TenantDesk. Restore the database from a backup you trust, and find who had access to it. `tenantctl audit verify` checks the trail again.</source>
        <translation>%1

%2 événements répartis dans %3 chaînes ont été vérifiés. Un événement a été modifié, supprimé ou inséré en dehors de TenantDesk. Restaurez la base de données à partir d’une sauvegarde fiable et déterminez qui y a eu accès. `tenantctl audit verify` vérifie de nouveau le journal.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditPage</name>
    <message>
        <source>Audit Trail</source>
        <translation>Journal d’audit</translation>
    </message>
    <message>
        <source>Audit trail error</source>
        <translation>Erreur du journal d’audit</translation>
    </message>
    <message>
        <source>Why the audit trail could not be read</source>
        <translation>Pourquoi le journal d’audit n’a pas pu être lu</translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation>Réessa&amp;yer</translation>
    </message>
    <message>
        <source>Retry reading the audit trail</source>
        <translation>Relire le journal d’audit</translation>
    </message>
    <message>
        <source>Audit events and the selected event&apos;s changes</source>
        <translation>Événements d’audit et modifications de l’événement sélectionné</translation>
    </message>
    <message>
        <source>Audit events, newest first</source>
        <translation>Événements d’audit, les plus récents en premier</translation>
    </message>
    <message>
        <source>&amp;Copy Event as JSON</source>
        <translation>&amp;Copier l’événement en JSON</translation>
    </message>
    <message>
        <source>The selected event</source>
        <translation>L’événement sélectionné</translation>
    </message>
    <message>
        <source>What the selected event changed</source>
        <translation>Ce que l’événement sélectionné a modifié</translation>
    </message>
    <message>
        <source>Audit trail status</source>
        <translation>État du journal d’audit</translation>
    </message>
    <message>
        <source>Could not read the audit trail: %1</source>
        <translation>Impossible de lire le journal d’audit&#xa0;: %1</translation>
    </message>
    <message>
        <source>Tenant slug filter</source>
        <translation>Filtre d’identifiant court de locataire</translation>
    </message>
    <message>
        <source>Any tenant (slug)</source>
        <translation>Tout locataire (identifiant court)</translation>
    </message>
    <message>
        <source>This te&amp;nant</source>
        <translation>Ce &amp;locataire</translation>
    </message>
    <message>
        <source>Only the tenant the page was opened for</source>
        <translation>Uniquement le locataire pour lequel la page a été ouverte</translation>
    </message>
    <message>
        <source>Tenant filter error</source>
        <translation>Erreur du filtre de locataire</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>L&amp;ocataire&#xa0;:</translation>
    </message>
    <message>
        <source>Actor filter</source>
        <translation>Filtre d’acteur</translation>
    </message>
    <message>
        <source>Anyone (exactly, e.g. system)</source>
        <translation>N’importe qui (exactement, p. ex. system)</translation>
    </message>
    <message>
        <source>Acto&amp;r:</source>
        <translation>Ac&amp;teur&#xa0;:</translation>
    </message>
    <message>
        <source>Action filter</source>
        <translation>Filtre d’action</translation>
    </message>
    <message>
        <source>Every tenant action</source>
        <translation>Toutes les actions sur les locataires</translation>
    </message>
    <message>
        <source>Every environment action</source>
        <translation>Toutes les actions sur les environnements</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Toute action</translation>
    </message>
    <message>
        <source>An action, or a prefix ending in “.” for a group of actions</source>
        <translation>Une action, ou un préfixe terminé par «&#xa0;.&#xa0;» pour un groupe d’actions</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>&amp;Action&#xa0;:</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>N’importe quand</translation>
    </message>
    <message>
        <source>Fro&amp;m</source>
        <translation>&amp;Du</translation>
    </message>
    <message>
        <source>Events from this time on</source>
        <translation>Événements à partir de ce moment</translation>
    </message>
    <message>
        <source>t&amp;o</source>
        <translation>a&amp;u</translation>
    </message>
    <message>
        <source>Events before this time</source>
        <translation>Événements antérieurs à ce moment</translation>
    </message>
    <message>
        <source>Time range error</source>
        <translation>Erreur de plage horaire</translation>
    </message>
    <message>
        <source>Search the audit trail</source>
        <translation>Rechercher dans le journal d’audit</translation>
    </message>
    <message>
        <source>Text in the object, actor or values (Ctrl+F)</source>
        <translation>Texte dans l’objet, l’acteur ou les valeurs (Ctrl+F)</translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation>Rec&amp;hercher&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Clear Filters</source>
        <translation>&amp;Effacer les filtres</translation>
    </message>
    <message>
        <source>Clear every filter</source>
        <translation>Effacer tous les filtres</translation>
    </message>
    <message>
        <source>Read the audit trail again</source>
        <translation>Relire le journal d’audit</translation>
    </message>
    <message>
        <source>Read the matching events again, with any that were added since</source>
        <translation>Relire les événements correspondants, y compris ceux ajoutés depuis</translation>
    </message>
    <message>
        <source>This te&amp;nant (%1)</source>
        <translation>Ce &amp;locataire (%1)</translation>
    </message>
    <message>
        <source>Choose a start before the end.</source>
        <translation>Choisissez un début antérieur à la fin.</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation>Aucun locataire n’a l’identifiant court «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Select an event to see what it changed.</source>
        <translation>Sélectionnez un événement pour voir ce qu’il a modifié.</translation>
    </message>
    <message>
        <source>%1 of %2 by %3 on %4 (event %5)</source>
        <translation>%1 de %2 par %3 le %4 (événement %5)</translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation>Aucune base de données ouverte.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) so far; loading more…</source>
        <translation>
            <numerusform>%n événement pour l’instant&#xa0;; chargement de la suite…</numerusform>
            <numerusform>%n événements pour l’instant&#xa0;; chargement de la suite…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) shown; the rest could not be read.</source>
        <translation>
            <numerusform>%n événement affiché&#xa0;; le reste n’a pas pu être lu.</numerusform>
            <numerusform>%n événements affichés&#xa0;; le reste n’a pas pu être lu.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) so far, newest first; scroll down for older ones.</source>
        <translation>
            <numerusform>%n événement pour l’instant, les plus récents en premier&#xa0;; faites défiler vers le bas pour les plus anciens.</numerusform>
            <numerusform>%n événements pour l’instant, les plus récents en premier&#xa0;; faites défiler vers le bas pour les plus anciens.</numerusform>
        </translation>
    </message>
    <message>
        <source>No events match the filters.</source>
        <translation>Aucun événement ne correspond aux filtres.</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s), newest first.</source>
        <translation>
            <numerusform>%n événement, les plus récents en premier.</numerusform>
            <numerusform>%n événements, les plus récents en premier.</numerusform>
        </translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>Rechar&amp;ger</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingCsv</name>
    <message>
        <source>the quoted value that starts here is not closed before the end of the file</source>
        <translation>la valeur entre guillemets qui commence ici n’est pas fermée avant la fin du fichier</translation>
    </message>
    <message>
        <source>text follows the closing quote of a quoted value (a quote inside a value must be doubled)</source>
        <translation>du texte suit le guillemet fermant d’une valeur entre guillemets (un guillemet à l’intérieur d’une valeur doit être doublé)</translation>
    </message>
    <message>
        <source>a quote inside a value that does not start with a quote</source>
        <translation>un guillemet à l’intérieur d’une valeur qui ne commence pas par un guillemet</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingFileReader</name>
    <message>
        <source>the file is empty; a billing export starts with a header line</source>
        <translation>le fichier est vide&#xa0;; un export de facturation commence par une ligne d’en-tête</translation>
    </message>
    <message>
        <source>the header is not one of a known billing export (FOCUS, AWS CUR, AWS CUR 2.0, Azure cost details EA or MCA)</source>
        <translation>l’en-tête ne correspond à aucun export de facturation connu (FOCUS, AWS CUR, AWS CUR 2.0, détails des coûts Azure EA ou MCA)</translation>
    </message>
    <message>
        <source>the column is missing; a %1 file must have it</source>
        <translation>la colonne est absente&#xa0;; un fichier %1 doit l’avoir</translation>
    </message>
    <message>
        <source>the line ends after %1 of the header&apos;s %2 columns</source>
        <translation>la ligne se termine après %1 des %2 colonnes de l’en-tête</translation>
    </message>
    <message>
        <source>the line has %1 values, %2 more than the header&apos;s %3 columns (after this one)</source>
        <translation>la ligne a %1 valeurs, %2 de plus que les %3 colonnes de l’en-tête (après celle-ci)</translation>
    </message>
    <message>
        <source>the value is not UTF-8 text (export the file as UTF-8)</source>
        <translation>la valeur n’est pas du texte UTF-8 (exportez le fichier en UTF-8)</translation>
    </message>
    <message>
        <source>the column name is not UTF-8 text (export the file as UTF-8)</source>
        <translation>le nom de la colonne n’est pas du texte UTF-8 (exportez le fichier en UTF-8)</translation>
    </message>
    <message>
        <source>the value holds a NUL character (a zero byte)</source>
        <translation>la valeur contient un caractère NUL (un octet nul)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingFileReader::Private</name>
    <message>
        <source>the line is longer than 64 MiB: a quoted value that starts on it is probably not closed</source>
        <translation>la ligne dépasse 64 Mio&#xa0;: une valeur entre guillemets qui y commence n’est probablement pas fermée</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingImportDialog</name>
    <message>
        <source>Import Billing</source>
        <translation>Importer la facturation</translation>
    </message>
    <message>
        <source>Import a billing export: FOCUS 1.0–1.3, AWS Cost and Usage Report (legacy or 2.0) or Azure cost details (EA or MCA), as CSV, .csv.gz or .zip. One import is one transaction: a broken file changes nothing.</source>
        <translation>Importer un export de facturation&#xa0;: FOCUS 1.0–1.3, AWS Cost and Usage Report (ancien format ou 2.0) ou détails des coûts Azure (EA ou MCA), au format CSV, .csv.gz ou .zip. Un import est une transaction&#xa0;: un fichier défectueux ne modifie rien.</translation>
    </message>
    <message>
        <source>A .csv, .csv.gz or .zip file</source>
        <translation>Un fichier .csv, .csv.gz ou .zip</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>&amp;Fichier&#xa0;:</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Choisir un fichier</translation>
    </message>
    <message>
        <source>Detected format:</source>
        <translation>Format détecté&#xa0;:</translation>
    </message>
    <message>
        <source>Leave on “Detect from the header” unless the detection is wrong</source>
        <translation>Laissez «&#xa0;Détecter d’après l’en-tête&#xa0;» sauf si la détection est erronée</translation>
    </message>
    <message>
        <source>F&amp;ormat:</source>
        <translation>F&amp;ormat&#xa0;:</translation>
    </message>
    <message>
        <source>Optional, e.g. tenant or user:tenant</source>
        <translation>Facultatif, p. ex. tenant ou user:tenant</translation>
    </message>
    <message>
        <source>A tag whose value is a tenant&apos;s slug; added to the attribution rules&apos; tenant tag keys</source>
        <translation>Une étiquette dont la valeur est l’identifiant court d’un locataire&#xa0;; ajoutée aux clés d’étiquette de locataire des règles d’attribution</translation>
    </message>
    <message>
        <source>&amp;Tenant tag key:</source>
        <translation>Clé d’étiquette de &amp;locataire&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importer</translation>
    </message>
    <message>
        <source>Detect from the header</source>
        <translation>Détecter d’après l’en-tête</translation>
    </message>
    <message>
        <source>FOCUS 1.0–1.3</source>
        <translation>FOCUS 1.0–1.3</translation>
    </message>
    <message>
        <source>AWS Cost and Usage Report (legacy)</source>
        <translation>AWS Cost and Usage Report (ancien format)</translation>
    </message>
    <message>
        <source>AWS Cost and Usage Report 2.0</source>
        <translation>AWS Cost and Usage Report 2.0</translation>
    </message>
    <message>
        <source>Azure cost details (EA)</source>
        <translation>Détails des coûts Azure (EA)</translation>
    </message>
    <message>
        <source>Azure cost details (MCA)</source>
        <translation>Détails des coûts Azure (MCA)</translation>
    </message>
    <message>
        <source>Billing exports (*.csv *.csv.gz *.gz *.zip);;All files (*)</source>
        <translation>Exports de facturation (*.csv *.csv.gz *.gz *.zip);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>No such file</source>
        <translation>Fichier introuvable</translation>
    </message>
    <message>
        <source>Detected on import (compressed)</source>
        <translation>Détecté à l’import (compressé)</translation>
    </message>
    <message>
        <source>Cannot be read: %1</source>
        <translation>Illisible&#xa0;: %1</translation>
    </message>
    <message>
        <source>Not recognised: choose the format below</source>
        <translation>Non reconnu&#xa0;: choisissez le format ci-dessous</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Replacing the earlier import of %1…</source>
        <translation>Remplacement de l’import précédent de %1…</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>Import de %1…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annulation…</translation>
    </message>
    <message>
        <source>Could not import %1</source>
        <translation>Impossible d’importer %1</translation>
    </message>
    <message>
        <source>An unexpected error occurred; please report it.</source>
        <translation>Une erreur inattendue s’est produite&#xa0;; merci de la signaler.</translation>
    </message>
    <message>
        <source>Import cancelled: nothing was imported.</source>
        <translation>Import annulé&#xa0;: rien n’a été importé.</translation>
    </message>
    <message>
        <source>This file was imported before.</source>
        <translation>Ce fichier a déjà été importé.</translation>
    </message>
    <message>
        <source>Already Imported</source>
        <translation>Déjà importé</translation>
    </message>
    <message>
        <source>%1

Skip it, or replace the earlier import with this file?</source>
        <translation>%1

L’ignorer, ou remplacer l’import précédent par ce fichier&#xa0;?</translation>
    </message>
    <message>
        <source>&amp;Skip</source>
        <translation>&amp;Ignorer</translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation>&amp;Remplacer</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Rien n’a été importé.</translation>
    </message>
    <message>
        <source>%1

Nothing was imported.</source>
        <translation>%1

Rien n’a été importé.</translation>
    </message>
    <message>
        <source>Skipped: this file was imported before, nothing changed.</source>
        <translation>Ignoré&#xa0;: ce fichier a déjà été importé, rien n’a changé.</translation>
    </message>
    <message>
        <source>Imported %1 as %2.</source>
        <translation>%1 importé comme %2.</translation>
    </message>
    <message>
        <source>It replaces the earlier import of the same file.</source>
        <translation>Il remplace l’import précédent du même fichier.</translation>
    </message>
    <message>
        <source>Lines: %1; attributed to tenants: %2; unallocated: %3.</source>
        <translation>Lignes&#xa0;: %1&#xa0;; attribuées à des locataires&#xa0;: %2&#xa0;; non attribuées&#xa0;: %3.</translation>
    </message>
    <message>
        <source>Charges from %1 to %2.</source>
        <translation>Frais du %1 au %2.</translation>
    </message>
    <message>
        <source>Billed cost in %1: %2 (exactly %3).</source>
        <translation>Coût facturé en %1&#xa0;: %2 (exactement %3).</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>Remarques&#xa0;:</translation>
    </message>
    <message>
        <source>Import result</source>
        <translation>Résultat de l’import</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingLinesModel</name>
    <message>
        <source>%1 %2, exactly</source>
        <translation>%1 %2, exactement</translation>
    </message>
    <message>
        <source>%1 to %2 (UTC)</source>
        <translation>Du %1 au %2 (UTC)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>A shared cost, spread over tenants by the attribution rules</source>
        <translation>Un coût partagé, réparti entre les locataires par les règles d’attribution</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Partagé</translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation>Non attribué</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Locataire %1</translation>
    </message>
    <message>
        <source>Charge start (UTC)</source>
        <translation>Début des frais (UTC)</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Service category</source>
        <translation>Catégorie de service</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>Frais</translation>
    </message>
    <message>
        <source>Sub-account</source>
        <translation>Sous-compte</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>Ressource</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Région</translation>
    </message>
    <message>
        <source>Billed cost</source>
        <translation>Coût facturé</translation>
    </message>
    <message>
        <source>Effective cost</source>
        <translation>Coût effectif</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Devise</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Étiquettes</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingMapping</name>
    <message>
        <source>the time is empty</source>
        <translation>l’heure est vide</translation>
    </message>
    <message>
        <source>the amount is empty; it must have a value</source>
        <translation>le montant est vide&#xa0;; il doit avoir une valeur</translation>
    </message>
    <message>
        <source>the price times the quantity is too large</source>
        <translation>le prix multiplié par la quantité est trop grand</translation>
    </message>
    <message numerus="yes">
        <source>Tags: %n NULL value(s) read as no tags</source>
        <translation>
            <numerusform>Tags : %n valeur NULL lue comme aucune étiquette</numerusform>
            <numerusform>Tags : %n valeurs NULL lues comme aucune étiquette</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 (from %2): %n empty value(s) read as 0</source>
        <translation>
            <numerusform>%1 (depuis %2) : %n valeur vide lue comme 0</numerusform>
            <numerusform>%1 (depuis %2) : %n valeurs vides lues comme 0</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>EffectiveCost: %n line(s) without a net amount use the unblended cost</source>
        <translation>
            <numerusform>EffectiveCost : %n ligne sans montant net utilise le coût non mélangé</numerusform>
            <numerusform>EffectiveCost : %n lignes sans montant net utilisent le coût non mélangé</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>ServiceCategory: %n empty value(s) read as Other</source>
        <translation>
            <numerusform>ServiceCategory : %n valeur vide lue comme Other</numerusform>
            <numerusform>ServiceCategory : %n valeurs vides lues comme Other</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>ServiceCategory: %n line(s) of other services are in Other</source>
        <translation>
            <numerusform>ServiceCategory : %n ligne d’autres services est dans Other</numerusform>
            <numerusform>ServiceCategory : %n lignes d’autres services sont dans Other</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>ChargeCategory: %n line(s) of an unknown charge type read as Adjustment (%1)</source>
        <translation>
            <numerusform>ChargeCategory : %n ligne d’un type de frais inconnu lue comme Adjustment (%1)</numerusform>
            <numerusform>ChargeCategory : %n lignes d’un type de frais inconnu lues comme Adjustment (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Times: fractions of a second dropped in %n line(s)</source>
        <translation>
            <numerusform>Heures : fractions de seconde abandonnées dans %n ligne</numerusform>
            <numerusform>Heures : fractions de seconde abandonnées dans %n lignes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Times: %n time(s) with an offset from UTC converted to UTC</source>
        <translation>
            <numerusform>Heures : %n heure avec un décalage par rapport à UTC convertie en UTC</numerusform>
            <numerusform>Heures : %n heures avec un décalage par rapport à UTC converties en UTC</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Dates: %n line(s) with US dates (month/day/year) read as such</source>
        <translation>
            <numerusform>Dates : %n ligne avec des dates américaines (mois/jour/année) lue comme telle</numerusform>
            <numerusform>Dates : %n lignes avec des dates américaines (mois/jour/année) lues comme telles</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingPage</name>
    <message>
        <source>Retr&amp;y</source>
        <translation>Réessa&amp;yer</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autre</translation>
    </message>
    <message>
        <source>Billing Review</source>
        <translation>Revue de facturation</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importer…</translation>
    </message>
    <message>
        <source>Import a billing export</source>
        <translation>Importer un export de facturation</translation>
    </message>
    <message>
        <source>Attribution &amp;Rules…</source>
        <translation>&amp;Règles d’attribution…</translation>
    </message>
    <message>
        <source>Attribution rules</source>
        <translation>Règles d’attribution</translation>
    </message>
    <message>
        <source>E&amp;xport Report…</source>
        <translation>E&amp;xporter le rapport…</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>Exporter le rapport</translation>
    </message>
    <message>
        <source>Billing summary</source>
        <translation>Synthèse de facturation</translation>
    </message>
    <message>
        <source>Cost by tenant, service and month</source>
        <translation>Coût par locataire, service et mois</translation>
    </message>
    <message>
        <source>Double-click a figure, or press Enter, to see the lines behind it</source>
        <translation>Double-cliquez sur un montant, ou appuyez sur Entrée, pour voir les lignes correspondantes</translation>
    </message>
    <message>
        <source>← Back</source>
        <translation>← Retour</translation>
    </message>
    <message>
        <source>Back to the totals</source>
        <translation>Retour aux totaux</translation>
    </message>
    <message>
        <source>Back to the totals (Alt+Left, Escape)</source>
        <translation>Retour aux totaux (Alt+Gauche, Échap)</translation>
    </message>
    <message>
        <source>Lines shown</source>
        <translation>Lignes affichées</translation>
    </message>
    <message>
        <source>Sum of the lines</source>
        <translation>Somme des lignes</translation>
    </message>
    <message>
        <source>Billing lines</source>
        <translation>Lignes de facturation</translation>
    </message>
    <message>
        <source>Could not read the lines: %1</source>
        <translation>Impossible de lire les lignes&#xa0;: %1</translation>
    </message>
    <message>
        <source>Budget of %1 removed.</source>
        <translation>Budget de %1 supprimé.</translation>
    </message>
    <message>
        <source>Budget of %1 set to %2.</source>
        <translation>Budget de %1 fixé à %2.</translation>
    </message>
    <message>
        <source>Could not set the budget of %1: %2</source>
        <translation>Impossible de fixer le budget de %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Te&amp;nant:</source>
        <translation>Locatai&amp;re&#xa0;:</translation>
    </message>
    <message>
        <source>Tenant filter</source>
        <translation>Filtre de locataire</translation>
    </message>
    <message>
        <source>&amp;Service:</source>
        <translation>&amp;Service&#xa0;:</translation>
    </message>
    <message>
        <source>Service filter</source>
        <translation>Filtre de service</translation>
    </message>
    <message>
        <source>Cate&amp;gory:</source>
        <translation>Caté&amp;gorie&#xa0;:</translation>
    </message>
    <message>
        <source>Service category filter</source>
        <translation>Filtre de catégorie de service</translation>
    </message>
    <message>
        <source>C&amp;urrency:</source>
        <translation>Dev&amp;ise&#xa0;:</translation>
    </message>
    <message>
        <source>Currency filter</source>
        <translation>Filtre de devise</translation>
    </message>
    <message>
        <source>Fro&amp;m:</source>
        <translation>&amp;Du&#xa0;:</translation>
    </message>
    <message>
        <source>First month</source>
        <translation>Premier mois</translation>
    </message>
    <message>
        <source>T&amp;o:</source>
        <translation>&amp;Au&#xa0;:</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Dernier mois</translation>
    </message>
    <message>
        <source>Im&amp;port:</source>
        <translation>Im&amp;port&#xa0;:</translation>
    </message>
    <message>
        <source>Import filter</source>
        <translation>Filtre d’import</translation>
    </message>
    <message>
        <source>Cost &amp;kind:</source>
        <translation>&amp;Type de coût&#xa0;:</translation>
    </message>
    <message>
        <source>Which cost</source>
        <translation>Quel coût</translation>
    </message>
    <message>
        <source>Billed</source>
        <translation>Facturé</translation>
    </message>
    <message>
        <source>Effective</source>
        <translation>Effectif</translation>
    </message>
    <message>
        <source>List</source>
        <translation>Catalogue</translation>
    </message>
    <message>
        <source>BilledCost (the invoice), EffectiveCost (with discounts amortised) or ListCost</source>
        <translation>BilledCost (la facture), EffectiveCost (remises amorties) ou ListCost (prix catalogue)</translation>
    </message>
    <message>
        <source>Billing charts</source>
        <translation>Graphiques de facturation</translation>
    </message>
    <message>
        <source>Cost by tenant</source>
        <translation>Coût par locataire</translation>
    </message>
    <message>
        <source>Cost by service</source>
        <translation>Coût par service</translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation>Budgets</translation>
    </message>
    <message>
        <source>Double-click a budget (or press F2) to change it; empty removes it</source>
        <translation>Double-cliquez sur un budget (ou appuyez sur F2) pour le modifier&#xa0;; une valeur vide le supprime</translation>
    </message>
    <message>
        <source>Month over month</source>
        <translation>D’un mois sur l’autre</translation>
    </message>
    <message>
        <source>Could not read the billing totals: %1</source>
        <translation>Impossible de lire les totaux de facturation&#xa0;: %1</translation>
    </message>
    <message>
        <source>Could not read the imports: %1</source>
        <translation>Impossible de lire les imports&#xa0;: %1</translation>
    </message>
    <message>
        <source>Could not read the budgets: %1</source>
        <translation>Impossible de lire les budgets&#xa0;: %1</translation>
    </message>
    <message>
        <source>Tenant %1 (gone)</source>
        <translation>Locataire %1 (supprimé)</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Locataire %1</translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation>Non attribué</translation>
    </message>
    <message>
        <source>All tenants</source>
        <translation>Tous les locataires</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>All services</source>
        <translation>Tous les services</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Toutes les catégories</translation>
    </message>
    <message>
        <source>All currencies</source>
        <translation>Toutes les devises</translation>
    </message>
    <message>
        <source>Earliest</source>
        <translation>Le plus ancien</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>Le plus récent</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>All imports and demo data</source>
        <translation>Tous les imports et les données de démonstration</translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation>Aucune base de données ouverte.</translation>
    </message>
    <message>
        <source>No cost in this selection. Import a billing export with File → Import Billing…</source>
        <translation>Aucun coût dans cette sélection. Importez un export de facturation avec Fichier → Importer la facturation…</translation>
    </message>
    <message>
        <source>Total &lt;b&gt;%1&lt;/b&gt; · &lt;span style=&quot;color:#a84b00&quot;&gt;Unallocated &lt;b&gt;%2&lt;/b&gt; (%3 %)&lt;/span&gt;</source>
        <translation>Total &lt;b&gt;%1&lt;/b&gt; · &lt;span style=&quot;color:#a84b00&quot;&gt;Non attribué &lt;b&gt;%2&lt;/b&gt; (%3 %)&lt;/span&gt;</translation>
    </message>
    <message>
        <source> · Shared %1</source>
        <translation> · Partagé %1</translation>
    </message>
    <message numerus="yes">
        <source> · %Ln line(s)</source>
        <translation>
            <numerusform> · %Ln ligne</numerusform>
            <numerusform> · %Ln lignes</numerusform>
        </translation>
    </message>
    <message>
        <source> (%1 only)</source>
        <translation> (%1 uniquement)</translation>
    </message>
    <message>
        <source>Billed cost per month by tenant%1</source>
        <translation>Coût facturé par mois et par locataire%1</translation>
    </message>
    <message>
        <source>Billed cost per month by service%1</source>
        <translation>Coût facturé par mois et par service%1</translation>
    </message>
    <message>
        <source>Cost against budget</source>
        <translation>Coût par rapport au budget</translation>
    </message>
    <message>
        <source>Cost in %1 against the monthly budget</source>
        <translation>Coût en %1 par rapport au budget mensuel</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Coût</translation>
    </message>
    <message>
        <source>Over budget</source>
        <translation>Dépassement de budget</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>Month over month (needs two months)</source>
        <translation>D’un mois sur l’autre (nécessite deux mois)</translation>
    </message>
    <message>
        <source>Change from %1 to %2 by tenant</source>
        <translation>Évolution de %1 à %2 par locataire</translation>
    </message>
    <message>
        <source>Increase</source>
        <translation>Hausse</translation>
    </message>
    <message>
        <source>Decrease</source>
        <translation>Baisse</translation>
    </message>
    <message>
        <source>every month shown</source>
        <translation>tous les mois affichés</translation>
    </message>
    <message>
        <source>&lt;b&gt;Shared lines&lt;/b&gt; of %1 — the share shown is %2 of them</source>
        <translation>&lt;b&gt;Lignes partagées&lt;/b&gt; de %1 — la part affichée en représente %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Lines behind&lt;/b&gt; %1 — %2</source>
        <translation>&lt;b&gt;Lignes derrière&lt;/b&gt; %1 — %2</translation>
    </message>
    <message>
        <source>latest month</source>
        <translation>dernier mois</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) so far, %1 — scroll for more</source>
        <translation>
            <numerusform>%Ln ligne pour l’instant, %1 — faites défiler pour la suite</numerusform>
            <numerusform>%Ln lignes pour l’instant, %1 — faites défiler pour la suite</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %Ln line(s): billed cost %1</source>
        <translation>
            <numerusform>%Ln ligne au total&#xa0;: coût facturé %1</numerusform>
            <numerusform>Les %Ln lignes&#xa0;: coût facturé %1</numerusform>
        </translation>
    </message>
    <message>
        <source>, as in the total</source>
        <translation>, comme dans le total</translation>
    </message>
    <message>
        <source> (the total also holds %1 of shared cost spread to this tenant)</source>
        <translation> (le total comprend aussi %1 de coût partagé réparti sur ce locataire)</translation>
    </message>
    <message>
        <source>Export Billing Report</source>
        <translation>Exporter le rapport de facturation</translation>
    </message>
    <message>
        <source>billing-report.pdf</source>
        <translation>rapport-facturation.pdf</translation>
    </message>
    <message>
        <source>PDF (*.pdf);;Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>PDF (*.pdf);;Classeur Excel (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Billing report</source>
        <translation>Rapport de facturation</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>Could not export the report</source>
        <translation>Impossible d’exporter le rapport</translation>
    </message>
    <message>
        <source>Report written to %1.</source>
        <translation>Rapport écrit dans %1.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingTagValuesModel</name>
    <message>
        <source>Shared or unallocated</source>
        <translation>Partagé ou non attribué</translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation>Non attribué</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Locataire %1</translation>
    </message>
    <message>
        <source>Mapped to %1 by the rules being edited</source>
        <translation>Attribué à %1 par les règles en cours de modification</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Lignes</translation>
    </message>
    <message>
        <source>Billed cost</source>
        <translation>Coût facturé</translation>
    </message>
    <message>
        <source>Attributed to now</source>
        <translation>Attribué actuellement à</translation>
    </message>
    <message>
        <source>Mapped to</source>
        <translation>Attribué à</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingTotalsModel</name>
    <message>
        <source>Unallocated</source>
        <translation>Non attribué</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Locataire %1</translation>
    </message>
    <message>
        <source>(no service)</source>
        <translation>(aucun service)</translation>
    </message>
    <message>
        <source>%1 (shared)</source>
        <translation>%1 (partagé)</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>%1 in %2 against %3 in %4: %5 %6</source>
        <translation>%1 en %2 contre %3 en %4&#xa0;: %5 %6</translation>
    </message>
    <message>
        <source>No cost in %1 to compare with</source>
        <translation>Aucun coût en %1 pour comparer</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2, exactly
%n line(s)</source>
        <translation>
            <numerusform>%1 %2, exactement
%n ligne</numerusform>
            <numerusform>%1 %2, exactement
%n lignes</numerusform>
        </translation>
    </message>
    <message>
        <source>%1&apos;s share of the shared cost of %2, spread by the attribution rules</source>
        <translation>Part de %1 dans le coût partagé de %2, répartie par les règles d’attribution</translation>
    </message>
    <message>
        <source>Cost that no attribution rule gives to a tenant</source>
        <translation>Coût qu’aucune règle d’attribution n’affecte à un locataire</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Needs two months</source>
        <translation>Nécessite deux mois</translation>
    </message>
    <message>
        <source>%1 against %2</source>
        <translation>%1 contre %2</translation>
    </message>
    <message>
        <source>Tenant / service</source>
        <translation>Locataire / service</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Devise</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>Change %</source>
        <translation>Évolution %</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingCatalog</name>
    <message>
        <source>the file has %1 bytes, more than the limit of %2</source>
        <translation>le fichier fait %1 octets, plus que la limite de %2</translation>
    </message>
    <message>
        <source>not a Qt resource file (.rcc made with rcc -binary)</source>
        <translation>pas un fichier de ressources Qt (.rcc créé avec rcc -binary)</translation>
    </message>
    <message>
        <source>the file is missing</source>
        <translation>le fichier est absent</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingEditorDialog</name>
    <message>
        <source>Window</source>
        <translation>Fenêtre</translation>
    </message>
    <message>
        <source>Window text</source>
        <translation>Texte de la fenêtre</translation>
    </message>
    <message>
        <source>Base (lists, fields)</source>
        <translation>Base (listes, champs)</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Texte</translation>
    </message>
    <message>
        <source>Button</source>
        <translation>Bouton</translation>
    </message>
    <message>
        <source>Button text</source>
        <translation>Texte des boutons</translation>
    </message>
    <message>
        <source>Highlight</source>
        <translation>Surbrillance</translation>
    </message>
    <message>
        <source>Highlighted text</source>
        <translation>Texte en surbrillance</translation>
    </message>
    <message>
        <source>Accent</source>
        <translation>Accentuation</translation>
    </message>
    <message>
        <source>Header</source>
        <translation>En-tête</translation>
    </message>
    <message>
        <source>Header text</source>
        <translation>Texte de l’en-tête</translation>
    </message>
    <message>
        <source>Branding Editor</source>
        <translation>Éditeur d’image de marque</translation>
    </message>
    <message>
        <source>Product name</source>
        <translation>Nom du produit</translation>
    </message>
    <message>
        <source>&amp;Product name:</source>
        <translation>&amp;Nom du produit&#xa0;:</translation>
    </message>
    <message>
        <source>Tenant slug</source>
        <translation>Identifiant court du locataire</translation>
    </message>
    <message>
        <source>The pack applies to the tenant with this slug and its sub-tenants</source>
        <translation>Le pack s’applique au locataire ayant cet identifiant court et à ses sous-locataires</translation>
    </message>
    <message>
        <source>Tenant &amp;slug:</source>
        <translation>&amp;Identifiant court du locataire&#xa0;:</translation>
    </message>
    <message>
        <source>Palette</source>
        <translation>Palette</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Claire</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
    <message>
        <source>P&amp;alette:</source>
        <translation>P&amp;alette&#xa0;:</translation>
    </message>
    <message>
        <source>%1 colour</source>
        <translation>Couleur&#xa0;: %1</translation>
    </message>
    <message>
        <source>Choose &amp;Logo…</source>
        <translation>Choisir le &amp;logo…</translation>
    </message>
    <message>
        <source>Logo (SVG or PNG):</source>
        <translation>Logo (SVG ou PNG)&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Save Pack…</source>
        <translation>&amp;Enregistrer le pack…</translation>
    </message>
    <message>
        <source>&amp;Export .rcc…</source>
        <translation>E&amp;xporter le .rcc…</translation>
    </message>
    <message>
        <source>Exported %1. Copy it into %2 to load it at the next start.</source>
        <translation>%1 exporté. Copiez-le dans %2 pour le charger au prochain démarrage.</translation>
    </message>
    <message>
        <source>%1: a logo is an SVG or PNG file.</source>
        <translation>%1&#xa0;: un logo est un fichier SVG ou PNG.</translation>
    </message>
    <message>
        <source>%1: the file is larger than %2 bytes.</source>
        <translation>%1&#xa0;: le fichier dépasse %2 octets.</translation>
    </message>
    <message>
        <source>Choose Logo</source>
        <translation>Choisir le logo</translation>
    </message>
    <message>
        <source>Logos (*.svg *.png)</source>
        <translation>Logos (*.svg *.png)</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>✓ AA</source>
        <translation>✓ AA</translation>
    </message>
    <message>
        <source>✗ below %1:1</source>
        <translation>✗ inférieur à %1:1</translation>
    </message>
    <message>
        <source>%1 (%2 palette): %3:1, needs %4:1</source>
        <translation>%1 (palette %2)&#xa0;: %3:1, %4:1 requis</translation>
    </message>
    <message>
        <source>dark</source>
        <translation>sombre</translation>
    </message>
    <message>
        <source>light</source>
        <translation>claire</translation>
    </message>
    <message>
        <source>Contrast (WCAG AA)</source>
        <translation>Contraste (WCAG AA)</translation>
    </message>
    <message>
        <source>Too little contrast for WCAG AA: %1.</source>
        <translation>Contraste insuffisant pour WCAG AA&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Enter a product name.</source>
        <translation>Saisissez un nom de produit.</translation>
    </message>
    <message>
        <source>Could not create the folder %1.</source>
        <translation>Impossible de créer le dossier %1.</translation>
    </message>
    <message>
        <source>Enter the slug of the tenant the pack is for (lower-case letters, digits, hyphens and dots).</source>
        <translation>Saisissez l’identifiant court du locataire auquel le pack est destiné (lettres minuscules, chiffres, traits d’union et points).</translation>
    </message>
    <message>
        <source>Save Pack Into</source>
        <translation>Enregistrer le pack dans</translation>
    </message>
    <message>
        <source>Saved to %1. Start TenantDesk with --branding-dir %2 to use it.</source>
        <translation>Enregistré dans %1. Démarrez TenantDesk avec --branding-dir %2 pour l’utiliser.</translation>
    </message>
    <message>
        <source>An export is still running.</source>
        <translation>Un export est encore en cours.</translation>
    </message>
    <message>
        <source>Could not create a temporary folder.</source>
        <translation>Impossible de créer un dossier temporaire.</translation>
    </message>
    <message>
        <source>Could not run Qt&apos;s resource compiler %1: %2</source>
        <translation>Impossible d’exécuter le compilateur de ressources de Qt %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>rcc failed (%1): %2</source>
        <translation>échec de rcc (%1)&#xa0;: %2</translation>
    </message>
    <message>
        <source>Export Pack</source>
        <translation>Exporter le pack</translation>
    </message>
    <message>
        <source>Qt resource files (*.rcc)</source>
        <translation>Fichiers de ressources Qt (*.rcc)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingManager</name>
    <message>
        <source>Branding</source>
        <translation>Image de marque</translation>
    </message>
    <message>
        <source>%1 logo</source>
        <translation>Logo de %1</translation>
    </message>
    <message>
        <source>%1 — TenantDesk</source>
        <translation>%1 — TenantDesk</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingPack</name>
    <message>
        <source>Branding pack refused: %1: %2</source>
        <translation>Pack d’image de marque refusé&#xa0;: %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>the pack folder is missing</source>
        <translation>le dossier du pack est absent</translation>
    </message>
    <message>
        <source>invalid JSON at offset %1: %2</source>
        <translation>JSON non valide à la position %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>the document is not a JSON object</source>
        <translation>le document n’est pas un objet JSON</translation>
    </message>
    <message>
        <source>unknown key “%1”</source>
        <translation>clé inconnue «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>format must be %1</source>
        <translation>format doit valoir %1</translation>
    </message>
    <message>
        <source>product_name must be a text of 1 to 80 characters</source>
        <translation>product_name doit être un texte de 1 à 80 caractères</translation>
    </message>
    <message>
        <source>line %1: url(%2): %3</source>
        <translation>ligne %1&#xa0;: url(%2)&#xa0;: %3</translation>
    </message>
    <message>
        <source>line %1: url(%2): the file is missing</source>
        <translation>ligne %1&#xa0;: url(%2)&#xa0;: le fichier est absent</translation>
    </message>
    <message>
        <source>the image cannot be read: %1</source>
        <translation>l’image ne peut pas être lue&#xa0;: %1</translation>
    </message>
    <message>
        <source>the image is %1×%2 pixels, more than %3×%3</source>
        <translation>l’image fait %1×%2 pixels, plus que %3×%3</translation>
    </message>
    <message>
        <source>line %1: a backslash (a CSS escape) is not allowed in a pack&apos;s style sheet</source>
        <translation>ligne %1 : une barre oblique inverse (un échappement CSS) n’est pas permise dans la feuille de style d’un pack</translation>
    </message>
    <message>
        <source>line %1: url(%2): the file lies outside the pack folder</source>
        <translation>ligne %1 : url(%2) : le fichier se trouve hors du dossier du pack</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingPreview</name>
    <message>
        <source>Preview of the branding</source>
        <translation>Aperçu de l’image de marque</translation>
    </message>
    <message>
        <source>Tenants</source>
        <translation>Locataires</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>Production</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>Préproduction</translation>
    </message>
    <message>
        <source>Development</source>
        <translation>Développement</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>Bac à sable</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BudgetModel</name>
    <message>
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <source>Double-click or press F2 to set the monthly budget; empty removes it</source>
        <translation>Double-cliquez ou appuyez sur F2 pour définir le budget mensuel&#xa0;; une valeur vide le supprime</translation>
    </message>
    <message>
        <source>%1 %2, exactly, in %3</source>
        <translation>%1 %2, exactement, en %3</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Locataire %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>“%1” is not an amount: type digits with a point, e.g. 1200.50.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un montant&#xa0;: saisissez des chiffres avec un point, p. ex. 1200.50.</translation>
    </message>
    <message>
        <source>A budget cannot be negative.</source>
        <translation>Un budget ne peut pas être négatif.</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation>Budget mensuel</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Devise</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Coût</translation>
    </message>
    <message>
        <source>Cost in %1</source>
        <translation>Coût en %1</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Consommé</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Checker</name>
    <message>
        <source>the file lies outside the pack folder</source>
        <translation>le fichier se trouve hors du dossier du pack</translation>
    </message>
    <message>
        <source>a .%1 file is not allowed here; use %2</source>
        <translation>un fichier .%1 n’est pas autorisé ici&#xa0;; utilisez %2</translation>
    </message>
    <message>
        <source>palettes.%1 is missing or not an object</source>
        <translation>palettes.%1 est absent ou n’est pas un objet</translation>
    </message>
    <message>
        <source>palettes.%1.%2 is not a colour role (known: %3)</source>
        <translation>palettes.%1.%2 n’est pas un rôle de couleur (connus&#xa0;: %3)</translation>
    </message>
    <message>
        <source>palettes.%1.%2 is not a text; write a colour as &quot;#rrggbb&quot;</source>
        <translation>palettes.%1.%2 n’est pas un texte&#xa0;; écrivez une couleur sous la forme &quot;#rrggbb&quot;</translation>
    </message>
    <message>
        <source>palettes.%1.%2: “%3” is not a colour; write #rrggbb</source>
        <translation>palettes.%1.%2&#xa0;: «&#xa0;%3&#xa0;» n’est pas une couleur&#xa0;; écrivez #rrggbb</translation>
    </message>
    <message>
        <source>palettes.%1.%2 is missing</source>
        <translation>palettes.%1.%2 est absent</translation>
    </message>
</context>
<context>
    <name>TenantDesk::CompactJson</name>
    <message>
        <source>a text in the tags is not closed</source>
        <translation>un texte des étiquettes n’est pas fermé</translation>
    </message>
    <message>
        <source>a \u escape in the tags is not four hex digits</source>
        <translation>un échappement \u des étiquettes n’a pas quatre chiffres hexadécimaux</translation>
    </message>
    <message>
        <source>a \u0000 (NUL character) in the tags</source>
        <translation>un \u0000 (caractère NUL) dans les étiquettes</translation>
    </message>
    <message>
        <source>a \u escape in the tags is the second half of a character without its first</source>
        <translation>un échappement \u des étiquettes est la seconde moitié d’un caractère sans la première</translation>
    </message>
    <message>
        <source>a \u escape in the tags is the first half of a character without its second</source>
        <translation>un échappement \u des étiquettes est la première moitié d’un caractère sans la seconde</translation>
    </message>
    <message>
        <source>a backslash in the tags starts no valid escape</source>
        <translation>une barre oblique inverse des étiquettes ne commence aucun échappement valide</translation>
    </message>
    <message>
        <source>a control character inside a text in the tags</source>
        <translation>un caractère de contrôle dans un texte des étiquettes</translation>
    </message>
    <message>
        <source>the tags are not valid JSON</source>
        <translation>les étiquettes ne sont pas du JSON valide</translation>
    </message>
    <message>
        <source>a number in the tags starts with a zero</source>
        <translation>un nombre des étiquettes commence par un zéro</translation>
    </message>
    <message>
        <source>a number in the tags has no digit after its decimal point</source>
        <translation>un nombre des étiquettes n’a aucun chiffre après sa virgule</translation>
    </message>
    <message>
        <source>a number in the tags has no digit in its exponent</source>
        <translation>un nombre des étiquettes n’a aucun chiffre dans son exposant</translation>
    </message>
    <message>
        <source>a number in the tags is too large or too small for a JSON reader</source>
        <translation>un nombre des étiquettes est trop grand ou trop petit pour un lecteur JSON</translation>
    </message>
    <message>
        <source>the tags end where a value was expected</source>
        <translation>les étiquettes s’arrêtent là où une valeur était attendue</translation>
    </message>
    <message>
        <source>the tags are nested too deeply</source>
        <translation>les étiquettes sont imbriquées trop profondément</translation>
    </message>
    <message>
        <source>the tags are not valid JSON: a colon was expected after a key</source>
        <translation>les étiquettes ne sont pas du JSON valide : deux-points étaient attendus après une clé</translation>
    </message>
    <message>
        <source>the tags are not valid JSON: a key in quotes was expected</source>
        <translation>les étiquettes ne sont pas du JSON valide : une clé entre guillemets était attendue</translation>
    </message>
    <message>
        <source>the tags are not valid: a key in quotes was expected</source>
        <translation>les étiquettes ne sont pas valides : une clé entre guillemets était attendue</translation>
    </message>
    <message>
        <source>the tags are not valid JSON: a comma or a closing brace was expected</source>
        <translation>les étiquettes ne sont pas du JSON valide : une virgule ou une accolade fermante était attendue</translation>
    </message>
    <message>
        <source>the tags are not valid: a comma was expected between pairs</source>
        <translation>les étiquettes ne sont pas valides : une virgule était attendue entre les paires</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ConflictDialog</name>
    <message>
        <source>%1 was changed by someone else</source>
        <translation>%1 a été modifié par quelqu’un d’autre</translation>
    </message>
    <message>
        <source>While you were editing, “%1” was changed (now version %2, you started from version %3). Compare the values, then apply your change to the current version or keep the current one.</source>
        <translation>Pendant votre modification, «&#xa0;%1&#xa0;» a changé (version %2 désormais, vous êtes parti de la version %3). Comparez les valeurs, puis appliquez votre modification à la version actuelle ou conservez celle-ci.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domaine</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Fuseau horaire</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Your change</source>
        <translation>Votre modification</translation>
    </message>
    <message>
        <source>Now stored</source>
        <translation>Enregistré actuellement</translation>
    </message>
    <message>
        <source>When you started</source>
        <translation>Au début de votre modification</translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation>(inchangé)</translation>
    </message>
    <message>
        <source>&amp;Apply my change</source>
        <translation>&amp;Appliquer ma modification</translation>
    </message>
    <message>
        <source>&amp;Keep theirs</source>
        <translation>&amp;Conserver la leur</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ConnectDialog</name>
    <message>
        <source>Enter the e-mail address you sign in with.</source>
        <translation>Saisissez l’adresse e-mail avec laquelle vous vous connectez.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail.</translation>
    </message>
    <message>
        <source>Connect to Server</source>
        <translation>Se connecter à un serveur</translation>
    </message>
    <message>
        <source>Sign in to a TenantDesk server to administer its platform.</source>
        <translation>Connectez-vous à un serveur TenantDesk pour administrer sa plateforme.</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Serveur&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>&amp;Adresse e-mail&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>&amp;Rester connecté sur cet ordinateur</translation>
    </message>
    <message>
        <source>Checking for a keychain…</source>
        <translation>Recherche d’un trousseau…</translation>
    </message>
    <message>
        <source>&amp;Trust This Certificate and Connect</source>
        <translation>&amp;Faire confiance à ce certificat et se connecter</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>Se &amp;connecter</translation>
    </message>
    <message>
        <source>Keeps your session in the system keychain, never your password.</source>
        <translation>Conserve votre session dans le trousseau du système, jamais votre mot de passe.</translation>
    </message>
    <message>
        <source>No keychain is available (such as GNOME Keyring or KWallet): you will be asked for your password each time.</source>
        <translation>Aucun trousseau n’est disponible (comme GNOME Keyring ou KWallet)&#xa0;: votre mot de passe vous sera demandé à chaque fois.</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Saisissez votre mot de passe.</translation>
    </message>
    <message>
        <source>&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Trust it only if it is the certificate of your server: compare the fingerprint with the one your administrator gives you.&lt;/p&gt;&lt;p&gt;&lt;tt&gt;%2&lt;/tt&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Ne lui faites confiance que s’il s’agit du certificat de votre serveur&#xa0;: comparez l’empreinte avec celle que vous donne votre administrateur.&lt;/p&gt;&lt;p&gt;&lt;tt&gt;%2&lt;/tt&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Signing in to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
</context>
<context>
    <name>TenantDesk::DecommissionDialog</name>
    <message>
        <source>Decommission %1</source>
        <translation>Mettre %1 hors service</translation>
    </message>
    <message>
        <source>Work through the checklist. Each step is recorded as it is done; the tenant is archived once all are done. A backup file restores the tenant later, here or in another database.</source>
        <translation>Suivez la liste de contrôle. Chaque étape est consignée dès qu’elle est effectuée&#xa0;; le locataire est archivé une fois toutes les étapes terminées. Un fichier de sauvegarde permet de restaurer le locataire plus tard, ici ou dans une autre base de données.</translation>
    </message>
    <message>
        <source>&amp;Back Up…</source>
        <translation>&amp;Sauvegarder…</translation>
    </message>
    <message>
        <source>&amp;Record Notice…</source>
        <translation>&amp;Consigner l’avis…</translation>
    </message>
    <message>
        <source>Re&amp;lease</source>
        <translation>&amp;Libérer</translation>
    </message>
    <message>
        <source>&amp;Delete Data</source>
        <translation>Supprimer les &amp;données</translation>
    </message>
    <message>
        <source>&amp;Finalise</source>
        <translation>&amp;Finaliser</translation>
    </message>
    <message>
        <source>Type %1 to confirm</source>
        <translation>Saisissez %1 pour confirmer</translation>
    </message>
    <message>
        <source>Slug to confirm the deletion</source>
        <translation>Identifiant court pour confirmer la suppression</translation>
    </message>
    <message>
        <source>Back Up %1</source>
        <translation>Sauvegarder %1</translation>
    </message>
    <message>
        <source>Tenant backups (*.json)</source>
        <translation>Sauvegardes de locataire (*.json)</translation>
    </message>
    <message>
        <source>Users Notified</source>
        <translation>Utilisateurs avertis</translation>
    </message>
    <message>
        <source>How and when were the users told?</source>
        <translation>Comment et quand les utilisateurs ont-ils été avertis&#xa0;?</translation>
    </message>
    <message>
        <source>E-mail to every member</source>
        <translation>E-mail à chaque membre</translation>
    </message>
    <message>
        <source>Delete the Data of %1</source>
        <translation>Supprimer les données de %1</translation>
    </message>
    <message>
        <source>This deletes the environments, memberships, custom roles, usage and settings of “%1”. Only its backup brings them back. Delete now?</source>
        <translation>Cette opération supprime les environnements, appartenances, rôles personnalisés, l’utilisation et les paramètres de «&#xa0;%1&#xa0;». Seule sa sauvegarde permet de les récupérer. Supprimer maintenant&#xa0;?</translation>
    </message>
    <message>
        <source>&amp;Archive</source>
        <translation>&amp;Archiver</translation>
    </message>
    <message>
        <source>✔ %1 by %2</source>
        <translation>✔ %1 par %2</translation>
    </message>
    <message>
        <source>To do</source>
        <translation>À faire</translation>
    </message>
    <message>
        <source>“%1” is archived.</source>
        <translation>«&#xa0;%1&#xa0;» est archivé.</translation>
    </message>
    <message>
        <source>%1 of %2 steps done.</source>
        <translation>%1 étapes sur %2 effectuées.</translation>
    </message>
    <message>
        <source>Could not write the backup to “%1”: %2.</source>
        <translation>Impossible d’écrire la sauvegarde dans «&#xa0;%1&#xa0;»&#xa0;: %2.</translation>
    </message>
    <message>
        <source>%1 (SHA-256 %2)</source>
        <translation>%1 (SHA-256 %2)</translation>
    </message>
    <message>
        <source>Resources released</source>
        <translation>Ressources libérées</translation>
    </message>
    <message>
        <source>Data deleted</source>
        <translation>Données supprimées</translation>
    </message>
    <message>
        <source>Billing finalised</source>
        <translation>Facturation finalisée</translation>
    </message>
</context>
<context>
    <name>TenantDesk::EditHistory</name>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Rétablir</translation>
    </message>
    <message>
        <source>Could not redo “%1”</source>
        <translation>Impossible de rétablir «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>Could not undo “%1”</source>
        <translation>Impossible d’annuler «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>&amp;Undo %1</source>
        <translation>&amp;Annuler %1</translation>
    </message>
    <message>
        <source>&amp;Redo %1</source>
        <translation>&amp;Rétablir %1</translation>
    </message>
</context>
<context>
    <name>TenantDesk::EffectivePermissionsDialog</name>
    <message>
        <source>Effective Permissions</source>
        <translation>Autorisations effectives</translation>
    </message>
    <message>
        <source>ann@example.com</source>
        <translation>ann@example.com</translation>
    </message>
    <message>
        <source>&amp;User (e-mail):</source>
        <translation>&amp;Utilisateur (adresse e-mail)&#xa0;:</translation>
    </message>
    <message>
        <source>acme.emea</source>
        <translation>acme.emea</translation>
    </message>
    <message>
        <source>&amp;Tenant (slug):</source>
        <translation>&amp;Locataire (identifiant court)&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>A&amp;fficher</translation>
    </message>
    <message>
        <source>Permission and why it is held</source>
        <translation>Autorisation et raison pour laquelle elle est détenue</translation>
    </message>
    <message>
        <source>platform role %1</source>
        <translation>rôle de plateforme %1</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>%1, environment %2</source>
        <translation>%1, environnement %2</translation>
    </message>
    <message>
        <source>%1 (inherited from the parent tenant %2)</source>
        <translation>%1 (hérité du locataire parent %2)</translation>
    </message>
    <message>
        <source>Enter a user&apos;s e-mail and a tenant&apos;s slug.</source>
        <translation>Saisissez l’adresse e-mail d’un utilisateur et l’identifiant court d’un locataire.</translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation>Aucun utilisateur n’a l’adresse e-mail «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1” among the tenant&apos;s members.</source>
        <translation>Aucun membre du locataire n’a l’adresse e-mail «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>There is no tenant “%1”.</source>
        <translation>Il n’existe aucun locataire «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>This user holds no permission on this tenant.</source>
        <translation>Cet utilisateur ne détient aucune autorisation sur ce locataire.</translation>
    </message>
    <message numerus="yes">
        <source>%n permission(s) on this tenant, each with every membership and role that grants it.</source>
        <translation>
            <numerusform>%n autorisation sur ce locataire, avec chaque appartenance et chaque rôle qui l’accorde.</numerusform>
            <numerusform>%n autorisations sur ce locataire, chacune avec chaque appartenance et chaque rôle qui l’accorde.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::EnvironmentPage</name>
    <message>
        <source>Tenant:</source>
        <translation>Locataire&#xa0;:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Type&#xa0;:</translation>
    </message>
    <message>
        <source>Members:</source>
        <translation>Membres&#xa0;:</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Créé le&#xa0;:</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clé</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
</context>
<context>
    <name>TenantDesk::EnvironmentSettingsDialog</name>
    <message>
        <source>Settings of %1</source>
        <translation>Paramètres de %1</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clé</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation>A&amp;jouter</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>Supp&amp;rimer</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ExportDialog</name>
    <message>
        <source>Export Users</source>
        <translation>Exporter des utilisateurs</translation>
    </message>
    <message>
        <source>Writes the users with their memberships, one file that TenantDesk imports back exactly. Platform roles are not memberships of a tenant and are left out.</source>
        <translation>Écrit les utilisateurs avec leurs appartenances, dans un fichier que TenantDesk réimporte à l’identique. Les rôles de plateforme ne sont pas des appartenances à un locataire et sont omis.</translation>
    </message>
    <message>
        <source>The users matching the Users page&apos;s filters</source>
        <translation>Les utilisateurs correspondant aux filtres de la page Utilisateurs</translation>
    </message>
    <message>
        <source>The users of the &amp;tenant:</source>
        <translation>Les utilisateurs du &amp;locataire&#xa0;:</translation>
    </message>
    <message>
        <source>Every user on the &amp;platform</source>
        <translation>Tous les utilisateurs de la &amp;plateforme</translation>
    </message>
    <message>
        <source>Tenant slug, e.g. acme</source>
        <translation>Identifiant court du locataire, p. ex. acme</translation>
    </message>
    <message>
        <source>CSV (one row per membership)</source>
        <translation>CSV (une ligne par appartenance)</translation>
    </message>
    <message>
        <source>JSON (users with their memberships)</source>
        <translation>JSON (utilisateurs avec leurs appartenances)</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>For&amp;mat&#xa0;:</translation>
    </message>
    <message>
        <source>C&amp;hoose…</source>
        <translation>C&amp;hoisir…</translation>
    </message>
    <message>
        <source>F&amp;ile:</source>
        <translation>&amp;Fichier&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exporter</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Stop reading; nothing is written</source>
        <translation>Arrêter la lecture&#xa0;; rien n’est écrit</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>The users matching the Users page&apos;s filters: %1</source>
        <translation>Les utilisateurs correspondant aux filtres de la page Utilisateurs&#xa0;: %1</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>Fichiers JSON (*.json)</translation>
    </message>
    <message>
        <source>Listing the users…</source>
        <translation>Liste des utilisateurs en cours…</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation>Aucun locataire n’a l’identifiant court «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not read the tenant: %1</source>
        <translation>Impossible de lire le locataire&#xa0;: %1</translation>
    </message>
    <message>
        <source>Listing the users… %1 so far.</source>
        <translation>Liste des utilisateurs en cours… %1 pour l’instant.</translation>
    </message>
    <message numerus="yes">
        <source>Reading the memberships of %n user(s), one request each…</source>
        <translation>
            <numerusform>Lecture des appartenances de %n utilisateur, une requête chacun…</numerusform>
            <numerusform>Lecture des appartenances de %n utilisateurs, une requête chacun…</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not list the users: %1 Nothing was written.</source>
        <translation>Impossible de lister les utilisateurs&#xa0;: %1 Rien n’a été écrit.</translation>
    </message>
    <message>
        <source>Reading the memberships of %1 of %2 users…</source>
        <translation>Lecture des appartenances de %1 utilisateurs sur %2…</translation>
    </message>
    <message>
        <source>Could not read user %1: %2 Nothing was written.</source>
        <translation>Impossible de lire l’utilisateur %1&#xa0;: %2 Rien n’a été écrit.</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>Écriture de %1…</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Impossible d’écrire %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Could not write %1: %2. The file was left as it was.</source>
        <translation>Impossible d’écrire %1&#xa0;: %2. Le fichier est resté inchangé.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n user(s) with %1 membership(s) to %2.</source>
        <translation>
            <numerusform>%n utilisateur exporté avec %1 appartenance(s) vers %2.</numerusform>
            <numerusform>%n utilisateurs exportés avec %1 appartenance(s) vers %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled: nothing was written.</source>
        <translation>Annulé&#xa0;: rien n’a été écrit.</translation>
    </message>
    <message>
        <source>Tenant slug</source>
        <translation>Identifiant court du locataire</translation>
    </message>
</context>
<context>
    <name>TenantDesk::FieldError</name>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ImportDialog</name>
    <message>
        <source>Import Users</source>
        <translation>Importer des utilisateurs</translation>
    </message>
    <message>
        <source>Choose a file of users. It is read and checked first: nothing is written until you have seen the preview and pressed Import. Credentials in a file are never stored.</source>
        <translation>Choisissez un fichier d’utilisateurs. Il est d’abord lu et vérifié&#xa0;: rien n’est écrit avant que vous ayez vu l’aperçu et appuyé sur Importer. Les identifiants de connexion contenus dans un fichier ne sont jamais enregistrés.</translation>
    </message>
    <message>
        <source>CSV (one row per membership)</source>
        <translation>CSV (une ligne par appartenance)</translation>
    </message>
    <message>
        <source>JSON (users with their memberships)</source>
        <translation>JSON (utilisateurs avec leurs appartenances)</translation>
    </message>
    <message>
        <source>Keycloak realm export (a file or a kc.sh export folder)</source>
        <translation>Export de domaine Keycloak (un fichier ou un dossier d’export kc.sh)</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>For&amp;mat&#xa0;:</translation>
    </message>
    <message>
        <source>The file to import</source>
        <translation>Le fichier à importer</translation>
    </message>
    <message>
        <source>Choose &amp;File…</source>
        <translation>Choisir un &amp;fichier…</translation>
    </message>
    <message>
        <source>Choose F&amp;older…</source>
        <translation>Choisir un d&amp;ossier…</translation>
    </message>
    <message>
        <source>A folder as kc.sh export --dir writes it: &lt;realm&gt;-realm.json and &lt;realm&gt;-users-N.json files</source>
        <translation>Un dossier tel que l’écrit kc.sh export --dir&#xa0;: fichiers &lt;realm&gt;-realm.json et &lt;realm&gt;-users-N.json</translation>
    </message>
    <message>
        <source>F&amp;ile:</source>
        <translation>&amp;Fichier&#xa0;:</translation>
    </message>
    <message>
        <source>Tenant slug, e.g. acme</source>
        <translation>Identifiant court du locataire, p. ex. acme</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>L&amp;ocataire&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Aperçu</translation>
    </message>
    <message>
        <source>Read the file and check it, without writing anything</source>
        <translation>Lire le fichier et le vérifier, sans rien écrire</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Stop reading; nothing has been written</source>
        <translation>Arrêter la lecture&#xa0;; rien n’a été écrit</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Retour</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importer</translation>
    </message>
    <message>
        <source>An import is written in one transaction: it cannot be cancelled half-way, and a failure leaves nothing of it behind.</source>
        <translation>Un import est écrit en une seule transaction&#xa0;: il ne peut pas être annulé en cours de route, et un échec n’en laisse aucune trace.</translation>
    </message>
    <message>
        <source>Import report</source>
        <translation>Rapport d’import</translation>
    </message>
    <message>
        <source>&amp;Copy Report</source>
        <translation>&amp;Copier le rapport</translation>
    </message>
    <message>
        <source>Show &amp;Audit Trail</source>
        <translation>Afficher le &amp;journal d’audit</translation>
    </message>
    <message>
        <source>The audit events of the tenant imported into</source>
        <translation>Les événements d’audit du locataire de destination</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <source>Each realm becomes a new tenant of its own, named after the realm; you can change its slug in the preview.</source>
        <translation>Chaque domaine devient un nouveau locataire, nommé d’après le domaine&#xa0;; vous pouvez modifier son identifiant court dans l’aperçu.</translation>
    </message>
    <message>
        <source>Rows that name no tenant are memberships on this tenant. Rows may name other tenants by slug.</source>
        <translation>Les lignes qui ne nomment aucun locataire sont des appartenances à ce locataire. Les lignes peuvent nommer d’autres locataires par leur identifiant court.</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Fichiers CSV (*.csv);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>JSON files (*.json);;All files (*)</source>
        <translation>Fichiers JSON (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Keycloak Export Folder</source>
        <translation>Dossier d’export Keycloak</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 n’existe pas.</translation>
    </message>
    <message>
        <source>%1 is a folder. Choose a file, or the Keycloak format for a kc.sh export folder.</source>
        <translation>%1 est un dossier. Choisissez un fichier, ou le format Keycloak pour un dossier d’export kc.sh.</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 ne peut pas être lu&#xa0;: %2</translation>
    </message>
    <message>
        <source>Reading the realm files in %1…</source>
        <translation>Lecture des fichiers de domaine dans %1…</translation>
    </message>
    <message>
        <source>Reading %1 (%2)…</source>
        <translation>Lecture de %1 (%2)…</translation>
    </message>
    <message>
        <source>Checking the rows…</source>
        <translation>Vérification des lignes…</translation>
    </message>
    <message>
        <source>Reading cancelled; nothing was written.</source>
        <translation>Lecture annulée&#xa0;; rien n’a été écrit.</translation>
    </message>
    <message>
        <source>%1 holds nothing to import.</source>
        <translation>%1 ne contient rien à importer.</translation>
    </message>
    <message>
        <source>%1 could not be read. %2</source>
        <translation>%1 n’a pas pu être lu. %2</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;: %n realm(s), each imported as a new tenant. Checked by the store: nothing has been written yet.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&#xa0;: %n domaine, importé comme nouveau locataire. Vérifié par le magasin de données&#xa0;: rien n’a encore été écrit.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;&#xa0;: %n domaines, chacun importé comme nouveau locataire. Vérifié par le magasin de données&#xa0;: rien n’a encore été écrit.</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; into the tenant &lt;b&gt;%2&lt;/b&gt;. Checked by the store: nothing has been written yet.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; dans le locataire &lt;b&gt;%2&lt;/b&gt;. Vérifié par le magasin de données&#xa0;: rien n’a encore été écrit.</translation>
    </message>
    <message>
        <source>New tenant “%1”, slug:</source>
        <translation>Nouveau locataire «&#xa0;%1&#xa0;», identifiant court&#xa0;:</translation>
    </message>
    <message>
        <source>The new tenant&apos;s slug; change it when a tenant has it already</source>
        <translation>L’identifiant court du nouveau locataire&#xa0;; modifiez-le si un locataire l’utilise déjà</translation>
    </message>
    <message>
        <source>Import this &amp;realm</source>
        <translation>Importer ce &amp;domaine</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Adresse e-mail</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Memberships</source>
        <translation>Appartenances</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>Users (the first %1 of %2; the counts above cover them all):</source>
        <translation>Utilisateurs (les %1 premiers sur %2&#xa0;; les totaux ci-dessus les couvrent tous)&#xa0;:</translation>
    </message>
    <message>
        <source>Users (%1):</source>
        <translation>Utilisateurs (%1)&#xa0;:</translation>
    </message>
    <message>
        <source>What was mapped and skipped (%1):</source>
        <translation>Ce qui a été converti et ignoré (%1)&#xa0;:</translation>
    </message>
    <message>
        <source>Nothing to note: every column was read.</source>
        <translation>Rien à signaler&#xa0;: toutes les colonnes ont été lues.</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Ligne</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <source>Double-click an issue to copy it</source>
        <translation>Double-cliquez sur un problème pour le copier</translation>
    </message>
    <message>
        <source>Line %1, %2: %3</source>
        <translation>Ligne %1, %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>file</source>
        <translation>fichier</translation>
    </message>
    <message>
        <source>Issues: checking…</source>
        <translation>Problèmes&#xa0;: vérification…</translation>
    </message>
    <message>
        <source>Issues: none.</source>
        <translation>Problèmes&#xa0;: aucun.</translation>
    </message>
    <message numerus="yes">
        <source>Issues (%n), by line; nothing is imported while any remain:</source>
        <translation>
            <numerusform>Problèmes (%n), par ligne&#xa0;; rien n’est importé tant qu’il en reste&#xa0;:</numerusform>
            <numerusform>Problèmes (%n), par ligne&#xa0;; rien n’est importé tant qu’il en reste&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking with the store…</source>
        <translation>Vérification auprès du magasin de données…</translation>
    </message>
    <message>
        <source>The store could not check this import: %1</source>
        <translation>Le magasin de données n’a pas pu vérifier cet import&#xa0;: %1</translation>
    </message>
    <message>
        <source>Would import: &lt;b&gt;%1&lt;/b&gt; new user(s), &lt;b&gt;%2&lt;/b&gt; existing (they keep their profile and status and gain the memberships), &lt;b&gt;%3&lt;/b&gt; new role(s), &lt;b&gt;%4&lt;/b&gt; membership(s).</source>
        <translation>Importerait&#xa0;: &lt;b&gt;%1&lt;/b&gt; nouvel(s) utilisateur(s), &lt;b&gt;%2&lt;/b&gt; existant(s) (qui conservent leur profil et leur statut et reçoivent les appartenances), &lt;b&gt;%3&lt;/b&gt; nouveau(x) rôle(s), &lt;b&gt;%4&lt;/b&gt; appartenance(s).</translation>
    </message>
    <message>
        <source>Realm roles, client roles and groups become roles of the new tenant without permissions: grant them in the role editor afterwards.</source>
        <translation>Les rôles de domaine, rôles clients et groupes deviennent des rôles du nouveau locataire, sans autorisations&#xa0;: accordez-les ensuite dans l’éditeur de rôles.</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n issue(s))</source>
        <translation>
            <numerusform>%1 (%n problème)</numerusform>
            <numerusform>%1 (%n problèmes)</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing has been read yet.</source>
        <translation>Rien n’a encore été lu.</translation>
    </message>
    <message>
        <source>The store is still checking the import…</source>
        <translation>Le magasin de données vérifie encore l’import…</translation>
    </message>
    <message>
        <source>The store could not check %1: %2</source>
        <translation>Le magasin de données n’a pas pu vérifier %1&#xa0;: %2</translation>
    </message>
    <message>
        <source>Two realms would become the tenant “%1”: give one another slug.</source>
        <translation>Deux domaines deviendraient le locataire «&#xa0;%1&#xa0;»&#xa0;: donnez un autre identifiant court à l’un d’eux.</translation>
    </message>
    <message>
        <source>No realm is chosen: tick “Import this realm” on at least one.</source>
        <translation>Aucun domaine n’est choisi&#xa0;: cochez «&#xa0;Importer ce domaine&#xa0;» pour au moins l’un d’eux.</translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the export and read it again, change the slug of a tenant that exists already, or leave the realm out.</source>
        <translation>
            <numerusform>L’import est désactivé tant qu’il reste %n problème&#xa0;: corrigez l’export et relisez-le, modifiez l’identifiant court d’un locataire qui existe déjà ou écartez le domaine.</numerusform>
            <numerusform>L’import est désactivé tant qu’il reste %n problèmes&#xa0;: corrigez l’export et relisez-le, modifiez l’identifiant court d’un locataire qui existe déjà ou écartez le domaine.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the export and read it again, or change the slug of a tenant that exists already.</source>
        <translation>
            <numerusform>L’import est désactivé tant qu’il reste %n problème&#xa0;: corrigez l’export et relisez-le, ou modifiez l’identifiant court d’un locataire qui existe déjà.</numerusform>
            <numerusform>L’import est désactivé tant qu’il reste %n problèmes&#xa0;: corrigez l’export et relisez-le, ou modifiez l’identifiant court d’un locataire qui existe déjà.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the file and read it again (Back).</source>
        <translation>
            <numerusform>L’import est désactivé tant qu’il reste %n problème&#xa0;: corrigez le fichier et relisez-le (Retour).</numerusform>
            <numerusform>L’import est désactivé tant qu’il reste %n problèmes&#xa0;: corrigez le fichier et relisez-le (Retour).</numerusform>
        </translation>
    </message>
    <message>
        <source>The file holds no users or roles to import.</source>
        <translation>Le fichier ne contient aucun utilisateur ni rôle à importer.</translation>
    </message>
    <message>
        <source>Write the import, one transaction per tenant</source>
        <translation>Écrire l’import, une transaction par locataire</translation>
    </message>
    <message>
        <source>No issues. Import writes the %1 realms, each in its own transaction.</source>
        <translation>Aucun problème. L’import écrit les %1 domaines, chacun dans sa propre transaction.</translation>
    </message>
    <message>
        <source>No issues. Import writes it in one transaction.</source>
        <translation>Aucun problème. L’import l’écrit en une seule transaction.</translation>
    </message>
    <message>
        <source>Importing the realm as the tenant “%1”…</source>
        <translation>Import du domaine comme locataire «&#xa0;%1&#xa0;»…</translation>
    </message>
    <message numerus="yes">
        <source>Importing %n user(s) into “%1”…</source>
        <translation>
            <numerusform>Import de %n utilisateur dans «&#xa0;%1&#xa0;»…</numerusform>
            <numerusform>Import de %n utilisateurs dans «&#xa0;%1&#xa0;»…</numerusform>
        </translation>
    </message>
    <message>
        <source>line %1, %2: %3</source>
        <translation>ligne %1, %2&#xa0;: %3</translation>
    </message>
    <message>
        <source>%1 was not imported: the store found issues it had not found in the preview (%2).</source>
        <translation>%1 n’a pas été importé&#xa0;: le magasin de données a trouvé des problèmes absents de l’aperçu (%2).</translation>
    </message>
    <message>
        <source>%1 was not imported: %2</source>
        <translation>%1 n’a pas été importé&#xa0;: %2</translation>
    </message>
    <message>
        <source>%1 → the new tenant “%2”</source>
        <translation>%1 → le nouveau locataire «&#xa0;%2&#xa0;»</translation>
    </message>
    <message>
        <source>%1 → the tenant “%2”</source>
        <translation>%1 → le locataire «&#xa0;%2&#xa0;»</translation>
    </message>
    <message>
        <source>  Users created: %1</source>
        <translation>  Utilisateurs créés&#xa0;: %1</translation>
    </message>
    <message>
        <source>  Users that existed (memberships added, profile kept): %1</source>
        <translation>  Utilisateurs existants (appartenances ajoutées, profil conservé)&#xa0;: %1</translation>
    </message>
    <message>
        <source>  Roles created: %1</source>
        <translation>  Rôles créés&#xa0;: %1</translation>
    </message>
    <message>
        <source>  Memberships: %1</source>
        <translation>  Appartenances&#xa0;: %1</translation>
    </message>
    <message>
        <source>  Notes:</source>
        <translation>  Remarques&#xa0;:</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Rien n’a été importé.</translation>
    </message>
    <message>
        <source>Stopped: %1</source>
        <translation>Arrêté&#xa0;: %1</translation>
    </message>
    <message>
        <source>What is listed above was written (each tenant in its own transaction); nothing of the rest was.</source>
        <translation>Ce qui est listé ci-dessus a été écrit (chaque locataire dans sa propre transaction)&#xa0;; rien du reste ne l’a été.</translation>
    </message>
    <message>
        <source>Nothing was written.</source>
        <translation>Rien n’a été écrit.</translation>
    </message>
    <message>
        <source>Imported users are invited (or disabled when the file says so); no credential was stored.</source>
        <translation>Les utilisateurs importés sont invités (ou désactivés si le fichier l’indique)&#xa0;; aucun identifiant de connexion n’a été enregistré.</translation>
    </message>
    <message>
        <source>Users to import</source>
        <translation>Utilisateurs à importer</translation>
    </message>
    <message>
        <source>What was mapped and skipped</source>
        <translation>Ce qui a été converti et ignoré</translation>
    </message>
    <message>
        <source>Issues</source>
        <translation>Problèmes</translation>
    </message>
</context>
<context>
    <name>TenantDesk::MainWindow</name>
    <message>
        <source>Audit Trail Warning</source>
        <translation>Avertissement du journal d’audit</translation>
    </message>
    <message>
        <source>No database open</source>
        <translation>Aucune base de données ouverte</translation>
    </message>
    <message>
        <source>Find a tenant by name or slug (Ctrl+F)</source>
        <translation>Rechercher un locataire par nom ou identifiant court (Ctrl+F)</translation>
    </message>
    <message>
        <source>Could not load tenants</source>
        <translation>Impossible de charger les locataires</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;New Database…</source>
        <translation>&amp;Nouvelle base de données…</translation>
    </message>
    <message>
        <source>&amp;Open Database…</source>
        <translation>&amp;Ouvrir une base de données…</translation>
    </message>
    <message>
        <source>Open &amp;Demo</source>
        <translation>Ouvrir la &amp;démo</translation>
    </message>
    <message>
        <source>Connect to &amp;Server…</source>
        <translation>Se connecter à un &amp;serveur…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Ouvrir un fichier &amp;récent</translation>
    </message>
    <message>
        <source>&amp;Import Users…</source>
        <translation>&amp;Importer des utilisateurs…</translation>
    </message>
    <message>
        <source>&amp;Export Users…</source>
        <translation>&amp;Exporter des utilisateurs…</translation>
    </message>
    <message>
        <source>Import &amp;Billing…</source>
        <translation>Importer la fact&amp;uration…</translation>
    </message>
    <message>
        <source>Import a FOCUS, AWS CUR or Azure cost export into this database</source>
        <translation>Importer un export de coûts FOCUS, AWS CUR ou Azure dans cette base de données</translation>
    </message>
    <message>
        <source>Open Re&amp;view File…</source>
        <translation>Ouvrir un fichier de re&amp;vue…</translation>
    </message>
    <message>
        <source>Open a .tenantdesk file someone sent, on its billing review; no server needed</source>
        <translation>Ouvrir un fichier .tenantdesk reçu, sur sa revue de facturation&#xa0;; aucun serveur nécessaire</translation>
    </message>
    <message>
        <source>&amp;Close Database</source>
        <translation>Fer&amp;mer la base de données</translation>
    </message>
    <message>
        <source>Sign &amp;Out</source>
        <translation>Se dé&amp;connecter</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Édition</translation>
    </message>
    <message>
        <source>Edit &amp;Tenant…</source>
        <translation>Modifier le &amp;locataire…</translation>
    </message>
    <message>
        <source>&amp;Tenant</source>
        <translation>&amp;Locataire</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>Affic&amp;hage</translation>
    </message>
    <message>
        <source>&amp;Find Tenant</source>
        <translation>&amp;Rechercher un locataire</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Ac&amp;tualiser</translation>
    </message>
    <message>
        <source>&amp;Collapse All</source>
        <translation>Tout ré&amp;duire</translation>
    </message>
    <message>
        <source>&amp;Audit Trail</source>
        <translation>&amp;Journal d’audit</translation>
    </message>
    <message>
        <source>&amp;Users</source>
        <translation>&amp;Utilisateurs</translation>
    </message>
    <message>
        <source>&amp;Roles</source>
        <translation>Rô&amp;les</translation>
    </message>
    <message>
        <source>Usa&amp;ge</source>
        <translation>Utili&amp;sation</translation>
    </message>
    <message>
        <source>Usage charts of the selected tenant or environment, or the top tenants of the platform</source>
        <translation>Graphiques d’utilisation du locataire ou de l’environnement sélectionné, ou des principaux locataires de la plateforme</translation>
    </message>
    <message>
        <source>&amp;Billing</source>
        <translation>Fa&amp;cturation</translation>
    </message>
    <message>
        <source>View &amp;as…</source>
        <translation>&amp;Voir en tant que…</translation>
    </message>
    <message>
        <source>Preview the console read-only, exactly as a chosen user sees it</source>
        <translation>Afficher la console en lecture seule, exactement comme la voit l’utilisateur choisi</translation>
    </message>
    <message>
        <source>Attribution &amp;Rules…</source>
        <translation>&amp;Règles d’attribution…</translation>
    </message>
    <message>
        <source>&amp;Export Report…</source>
        <translation>&amp;Exporter le rapport…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About TenantDesk</source>
        <translation>À &amp;propos de TenantDesk</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>À propos de &amp;Qt</translation>
    </message>
    <message>
        <source>Open Database</source>
        <translation>Ouvrir une base de données</translation>
    </message>
    <message>
        <source>TenantDesk databases (*.%1 *.sqlite *.db);;All files (*)</source>
        <translation>Bases de données TenantDesk (*.%1 *.sqlite *.db);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>New Database</source>
        <translation>Nouvelle base de données</translation>
    </message>
    <message>
        <source>TenantDesk databases (*.%1)</source>
        <translation>Bases de données TenantDesk (*.%1)</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>Ouverture de %1…</translation>
    </message>
    <message>
        <source>Could not open the database</source>
        <translation>Impossible d’ouvrir la base de données</translation>
    </message>
    <message>
        <source>Opening the demo platform…</source>
        <translation>Ouverture de la plateforme de démonstration…</translation>
    </message>
    <message>
        <source>Could not open the demo platform</source>
        <translation>Impossible d’ouvrir la plateforme de démonstration</translation>
    </message>
    <message>
        <source>Generating the demo platform: tenants, users, usage and billing…</source>
        <translation>Génération de la plateforme de démonstration&#xa0;: locataires, utilisateurs, utilisation et facturation…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Open Demo</source>
        <translation>Ouvrir la démo</translation>
    </message>
    <message>
        <source>Could not generate the demo platform</source>
        <translation>Impossible de générer la plateforme de démonstration</translation>
    </message>
    <message>
        <source>Demo generation cancelled; nothing was kept.</source>
        <translation>Génération de la démo annulée&#xa0;; rien n’a été conservé.</translation>
    </message>
    <message>
        <source>Signing in to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Enter your password to sign in to %1 as %2.</source>
        <translation>Saisissez votre mot de passe pour vous connecter à %1 en tant que %2.</translation>
    </message>
    <message>
        <source>Could not keep the session in the keychain: %1</source>
        <translation>Impossible de conserver la session dans le trousseau&#xa0;: %1</translation>
    </message>
    <message>
        <source>Could not remove the session from the keychain</source>
        <translation>Impossible de supprimer la session du trousseau</translation>
    </message>
    <message>
        <source>Signed out of %1.</source>
        <translation>Déconnecté de %1.</translation>
    </message>
    <message>
        <source>Signed out on this computer only</source>
        <translation>Déconnecté sur cet ordinateur uniquement</translation>
    </message>
    <message>
        <source>The server could not be told, so the session ends when it expires: %1</source>
        <translation>Le serveur n’a pas pu être prévenu&#xa0;; la session prendra donc fin à son expiration&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 on %2 — TenantDesk</source>
        <translation>%1 sur %2 — TenantDesk</translation>
    </message>
    <message>
        <source>Signed in to %1.</source>
        <translation>Connecté à %1.</translation>
    </message>
    <message>
        <source>%1 — TenantDesk</source>
        <translation>%1 — TenantDesk</translation>
    </message>
    <message>
        <source>Created a new database.</source>
        <translation>Nouvelle base de données créée.</translation>
    </message>
    <message>
        <source>Database opened.</source>
        <translation>Base de données ouverte.</translation>
    </message>
    <message>
        <source>Could not show the details</source>
        <translation>Impossible d’afficher les détails</translation>
    </message>
    <message>
        <source>No tenant&apos;s name or slug contains “%1”.</source>
        <translation>Aucun nom ni identifiant court de locataire ne contient «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Showing the first %1 matching tenants; type more to narrow the search.</source>
        <translation>Affichage des %1 premiers locataires correspondants&#xa0;; précisez la saisie pour affiner la recherche.</translation>
    </message>
    <message numerus="yes">
        <source>%n tenant(s) found.</source>
        <translation>
            <numerusform>%n locataire trouvé.</numerusform>
            <numerusform>%n locataires trouvés.</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy Name</source>
        <translation>Copier le nom</translation>
    </message>
    <message>
        <source>Copy Slug</source>
        <translation>Copier l’identifiant court</translation>
    </message>
    <message>
        <source>Collapse</source>
        <translation>Réduire</translation>
    </message>
    <message>
        <source>Expand</source>
        <translation>Développer</translation>
    </message>
    <message>
        <source>Audit Trail</source>
        <translation>Journal d’audit</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Rôles</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Utilisation</translation>
    </message>
    <message>
        <source>Open Review File</source>
        <translation>Ouvrir un fichier de revue</translation>
    </message>
    <message>
        <source>TenantDesk review files (*.%1 *.sqlite *.db);;All files (*)</source>
        <translation>Fichiers de revue TenantDesk (*.%1 *.sqlite *.db);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>About TenantDesk</source>
        <translation>À propos de TenantDesk</translation>
    </message>
    <message>
        <source>&lt;h3&gt;TenantDesk %1&lt;/h3&gt;&lt;p&gt;A native console for administering multi-tenant platforms.&lt;/p&gt;&lt;p&gt;Qt %2 (built with %3)&lt;br&gt;Database: %4&lt;/p&gt;</source>
        <translation>&lt;h3&gt;TenantDesk %1&lt;/h3&gt;&lt;p&gt;Une console native pour administrer les plateformes multilocataires.&lt;/p&gt;&lt;p&gt;Qt %2 (compilé avec %3)&lt;br&gt;Base de données&#xa0;: %4&lt;/p&gt;</translation>
    </message>
    <message>
        <source>none open</source>
        <translation>aucune ouverte</translation>
    </message>
    <message>
        <source>Created “%1” (%2), requested. Provision it from the Tenant menu.</source>
        <translation>«&#xa0;%1&#xa0;» (%2) créé, à l’état demandé. Provisionnez-le depuis le menu Locataire.</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <source>Back to your own view (Escape)</source>
        <translation>Revenir à votre propre vue (Échap)</translation>
    </message>
    <message>
        <source>Could not tell who you are on this store: %1</source>
        <translation>Impossible de déterminer votre identité dans ce magasin de données&#xa0;: %1</translation>
    </message>
    <message>
        <source>View As</source>
        <translation>Voir en tant que</translation>
    </message>
    <message>
        <source>See the console exactly as this user would, read-only.

E-mail of the user:</source>
        <translation>Voir la console exactement comme cet utilisateur, en lecture seule.

Adresse e-mail de l’utilisateur&#xa0;:</translation>
    </message>
    <message>
        <source>Could not view as this user</source>
        <translation>Impossible d’afficher la console en tant que cet utilisateur</translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation>Aucun utilisateur n’a l’adresse e-mail «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 de %2</translation>
    </message>
    <message>
        <source>%1 of %2, environment %3</source>
        <translation>%1 de %2, environnement %3</translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 et %n autre</numerusform>
            <numerusform>%1 et %n autres</numerusform>
        </translation>
    </message>
    <message>
        <source>no roles</source>
        <translation>aucun rôle</translation>
    </message>
    <message numerus="yes">
        <source>%n grant(s)</source>
        <translation>
            <numerusform>%n attribution</numerusform>
            <numerusform>%n attributions</numerusform>
        </translation>
    </message>
    <message>
        <source>Viewing as %1 (%2) — read-only</source>
        <translation>Affichage en tant que %1 (%2) — lecture seule</translation>
    </message>
    <message>
        <source>Viewing as %1 — TenantDesk</source>
        <translation>Affichage en tant que %1 — TenantDesk</translation>
    </message>
    <message>
        <source>Find a tenant</source>
        <translation>Rechercher un locataire</translation>
    </message>
    <message>
        <source>Tenants</source>
        <translation>Locataires</translation>
    </message>
    <message>
        <source>The platform, its tenants and sub-tenants and their environments; the selected one is shown on the right</source>
        <translation>La plateforme, ses locataires et sous-locataires et leurs environnements&#xa0;; l’élément sélectionné s’affiche à droite</translation>
    </message>
    <message>
        <source>End &amp;Preview</source>
        <translation>Terminer l’a&amp;perçu</translation>
    </message>
    <message>
        <source>Tenants (preview)</source>
        <translation>Locataires (aperçu)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Préférences…</translation>
    </message>
    <message>
        <source>T&amp;ools</source>
        <translation>&amp;Outils</translation>
    </message>
    <message>
        <source>&amp;Branding Editor…</source>
        <translation>&amp;Éditeur d’image de marque…</translation>
    </message>
    <message>
        <source>Make a tenant&apos;s branding pack: colours, logo and product name (platform admins)</source>
        <translation>Créer le pack d’image de marque d’un locataire&#xa0;: couleurs, logo et nom du produit (administrateurs de la plateforme)</translation>
    </message>
    <message>
        <source>End Preview</source>
        <translation>Terminer l’aperçu</translation>
    </message>
</context>
<context>
    <name>TenantDesk::MembershipPicker</name>
    <message>
        <source>Tenant slug, e.g. acme.emea</source>
        <translation>Identifiant court du locataire, p. ex. acme.emea</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>L&amp;ocataire&#xa0;:</translation>
    </message>
    <message>
        <source>Whole tenant</source>
        <translation>Tout le locataire</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Environnement&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>R&amp;ôle&#xa0;:</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation>Aucun locataire n’a l’identifiant court «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>%1 (custom)</source>
        <translation>%1 (personnalisé)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Params</name>
    <message>
        <source>%1: this query parameter is unknown here.</source>
        <translation>%1&#xa0;: ce paramètre de requête est inconnu ici.</translation>
    </message>
    <message>
        <source>%1: given more than once.</source>
        <translation>%1&#xa0;: indiqué plusieurs fois.</translation>
    </message>
    <message>
        <source>%1: at most %2 characters.</source>
        <translation>%1&#xa0;: %2 caractères au maximum.</translation>
    </message>
    <message>
        <source>%1: expected a tenant, user or environment id (a whole number).</source>
        <translation>%1&#xa0;: identifiant de locataire, d’utilisateur ou d’environnement (nombre entier) attendu.</translation>
    </message>
    <message>
        <source>limit: a page holds 1 to %1 items.</source>
        <translation>limit&#xa0;: une page contient de 1 à %1 éléments.</translation>
    </message>
    <message>
        <source>%1: expected an ISO 8601 time such as 2026-11-01T00:00:00Z.</source>
        <translation>%1&#xa0;: heure ISO 8601 attendue, par exemple 2026-11-01T00:00:00Z.</translation>
    </message>
    <message>
        <source>%1: “%2” is not one of the accepted values.</source>
        <translation>%1&#xa0;: «&#xa0;%2&#xa0;» ne fait pas partie des valeurs acceptées.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PdfLayout</name>
    <message>
        <source>Page %1</source>
        <translation>Page %1</translation>
    </message>
    <message>
        <source>%1 of %2 %3 (%4 %)</source>
        <translation>%1 sur %2 %3 (%4 %)</translation>
    </message>
    <message>
        <source>Cost in the latest month as a share of the monthly budget; the dark line is the budget.</source>
        <translation>Coût du dernier mois en part du budget mensuel ; la ligne sombre est le budget.</translation>
    </message>
    <message>
        <source>%1 · generated %2</source>
        <translation>%1 · généré le %2</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PermissionMatrixModel</name>
    <message>
        <source>Granted by this role.</source>
        <translation>Accordée par ce rôle.</translation>
    </message>
    <message>
        <source>Included through %1.</source>
        <translation>Incluse par %1.</translation>
    </message>
    <message>
        <source>Not granted.</source>
        <translation>Non accordée.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PlatformPage</name>
    <message>
        <source>Database:</source>
        <translation>Base de données&#xa0;:</translation>
    </message>
    <message>
        <source>Tenants:</source>
        <translation>Locataires&#xa0;:</translation>
    </message>
    <message>
        <source>Top-level tenants:</source>
        <translation>Locataires de premier niveau&#xa0;:</translation>
    </message>
    <message>
        <source>By status:</source>
        <translation>Par statut&#xa0;:</translation>
    </message>
    <message>
        <source>Environments:</source>
        <translation>Environnements&#xa0;:</translation>
    </message>
    <message>
        <source>Users:</source>
        <translation>Utilisateurs&#xa0;:</translation>
    </message>
    <message>
        <source>Roles:</source>
        <translation>Rôles&#xa0;:</translation>
    </message>
    <message>
        <source>Schema version:</source>
        <translation>Version du schéma&#xa0;:</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PostgresLineWriter</name>
    <message>
        <source>Could not write the billing lines</source>
        <translation>Impossible d’écrire les lignes de facturation</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Valeur par défaut du système</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>Applies at once to every open window. With the system default, a tenant administrator sees the language set for their tenant.</source>
        <translation>S’applique immédiatement à toutes les fenêtres ouvertes. Avec la valeur par défaut du système, un administrateur de locataire voit la langue définie pour son locataire.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PreviewStore</name>
    <message>
        <source>This is a read-only preview of what %1 sees.</source>
        <translation>Ceci est un aperçu en lecture seule de ce que voit %1.</translation>
    </message>
    <message>
        <source>This needs the platform-wide permission %1; name a tenant you administer instead.</source>
        <translation>Cette opération nécessite l’autorisation %1 à l’échelle de la plateforme&#xa0;; indiquez plutôt un locataire que vous administrez.</translation>
    </message>
    <message>
        <source>You may not do this on this tenant (it needs the permission %1).</source>
        <translation>Vous ne pouvez pas effectuer cette opération sur ce locataire (elle nécessite l’autorisation %1).</translation>
    </message>
    <message>
        <source>There is no tenant with this slug that you may see.</source>
        <translation>Il n’existe aucun locataire avec cet identifiant court que vous puissiez voir.</translation>
    </message>
    <message>
        <source>There is no environment with id %1 that you may see.</source>
        <translation>Il n’existe aucun environnement d’identifiant %1 que vous puissiez voir.</translation>
    </message>
    <message>
        <source>There is no user with id %1 that you may see.</source>
        <translation>Il n’existe aucun utilisateur d’identifiant %1 que vous puissiez voir.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PromoteDialog</name>
    <message>
        <source>Promote Settings</source>
        <translation>Promouvoir les paramètres</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;De&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Vers&#xa0;:</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>Différences</translation>
    </message>
    <message>
        <source>Promote</source>
        <translation>Promouvoir</translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) will change in the target.</source>
        <translation>
            <numerusform>%n paramètre changera dans la cible.</numerusform>
            <numerusform>%n paramètres changeront dans la cible.</numerusform>
        </translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Paramètre</translation>
    </message>
    <message>
        <source>Differs: ticked keys take the value of %1.</source>
        <translation>Diffère&#xa0;: les clés cochées prennent la valeur de %1.</translation>
    </message>
    <message>
        <source>Choose two different environments.</source>
        <translation>Choisissez deux environnements différents.</translation>
    </message>
    <message>
        <source>The settings are the same: nothing to promote.</source>
        <translation>Les paramètres sont identiques&#xa0;: rien à promouvoir.</translation>
    </message>
    <message>
        <source>The target was changed by someone else meanwhile; close this window and promote again.</source>
        <translation>La cible a été modifiée par quelqu’un d’autre entre-temps&#xa0;; fermez cette fenêtre et recommencez la promotion.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RealmReader</name>
    <message>
        <source>%1 holds users of the realm “%2”, not of “%3”; its users are not read.</source>
        <translation>%1 contient des utilisateurs du domaine «&#xa0;%2&#xa0;», et non de «&#xa0;%3&#xa0;»&#xa0;; ses utilisateurs ne sont pas lus.</translation>
    </message>
    <message>
        <source>%1 has no “users” array.</source>
        <translation>%1 n’a pas de tableau «&#xa0;users&#xa0;».</translation>
    </message>
    <message>
        <source>The realm “%1” gives no usable tenant slug: %2</source>
        <translation>Le domaine «&#xa0;%1&#xa0;» ne donne aucun identifiant court de locataire utilisable&#xa0;: %2</translation>
    </message>
    <message>
        <source>Realm role “%1”</source>
        <translation>Rôle de domaine «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>the realm role “%1”</source>
        <translation>le rôle de domaine «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>Client “%1”</source>
        <translation>Client «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>the client role “%1”</source>
        <translation>le rôle client «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>The composite role “%1” includes %2, which the realm does not define.</source>
        <translation>Le rôle composite «&#xa0;%1&#xa0;» inclut %2, que le domaine ne définit pas.</translation>
    </message>
    <message>
        <source>Members of the Keycloak group %1</source>
        <translation>Membres du groupe Keycloak %1</translation>
    </message>
    <message>
        <source>The group %1 has %2, which the realm does not define.</source>
        <translation>Le groupe %1 a %2, que le domaine ne définit pas.</translation>
    </message>
    <message>
        <source> (in %1)</source>
        <translation> (dans %1)</translation>
    </message>
    <message>
        <source>The user “%1”%2: %3</source>
        <translation>L’utilisateur «&#xa0;%1&#xa0;»%2&#xa0;: %3</translation>
    </message>
    <message>
        <source>The users “%1”%2 and “%3”%4 have the same e-mail address %5.</source>
        <translation>Les utilisateurs «&#xa0;%1&#xa0;»%2 et «&#xa0;%3&#xa0;»%4 ont la même adresse e-mail %5.</translation>
    </message>
    <message>
        <source>the group %1</source>
        <translation>le groupe %1</translation>
    </message>
    <message>
        <source>The user “%1”%2 has %3, which the realm does not define.</source>
        <translation>L’utilisateur «&#xa0;%1&#xa0;»%2 a %3, que le domaine ne définit pas.</translation>
    </message>
    <message>
        <source>Realm “%1” from %2: imported as the new tenant “%3” (%4).</source>
        <translation>Domaine «&#xa0;%1&#xa0;» de %2&#xa0;: importé comme nouveau locataire «&#xa0;%3&#xa0;» (%4).</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) read</source>
        <translation>
            <numerusform>%n utilisateur lu</numerusform>
            <numerusform>%n utilisateurs lus</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n imported</source>
        <translation>
            <numerusform>%n importé</numerusform>
            <numerusform>%n importés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n skipped</source>
        <translation>
            <numerusform>%n ignoré</numerusform>
            <numerusform>%n ignorés</numerusform>
        </translation>
    </message>
    <message>
        <source>no e-mail address, which a user here needs (%1)</source>
        <translation>aucune adresse e-mail, alors qu’un utilisateur doit en avoir une ici (%1)</translation>
    </message>
    <message>
        <source>service accounts of clients, not people (%1)</source>
        <translation>comptes de service de clients, pas des personnes (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) disabled: not enabled in Keycloak.</source>
        <translation>
            <numerusform>%n utilisateur désactivé&#xa0;: non activé dans Keycloak.</numerusform>
            <numerusform>%n utilisateurs désactivés&#xa0;: non activés dans Keycloak.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) had credentials: dropped, never stored. The users are invited and choose their own at their first sign-in.</source>
        <translation>
            <numerusform>%n utilisateur avait des identifiants de connexion&#xa0;: supprimés, jamais enregistrés. L’utilisateur est invité et choisit les siens à sa première connexion.</numerusform>
            <numerusform>%n utilisateurs avaient des identifiants de connexion&#xa0;: supprimés, jamais enregistrés. Les utilisateurs sont invités et choisissent les leurs à leur première connexion.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n realm role(s) imported as roles of the tenant</source>
        <translation>
            <numerusform>%n rôle de domaine importé comme rôle du locataire</numerusform>
            <numerusform>%n rôles de domaine importés comme rôles du locataire</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n client role(s)</source>
        <translation>
            <numerusform>%n rôle client</numerusform>
            <numerusform>%n rôles clients</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>of %n client(s), named “client:role”</source>
        <translation>
            <numerusform>de %n client, nommé «&#xa0;client:rôle&#xa0;»</numerusform>
            <numerusform>de %n clients, nommés «&#xa0;client:rôle&#xa0;»</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n composite role(s) include the roles they list.</source>
        <translation>
            <numerusform>%n rôle composite inclut les rôles qu’il liste.</numerusform>
            <numerusform>%n rôles composites incluent les rôles qu’ils listent.</numerusform>
        </translation>
    </message>
    <message>
        <source>The roles carry no permissions: a Keycloak role means what its applications make of it. Grant permissions in the role editor.</source>
        <translation>Les rôles ne portent aucune autorisation&#xa0;: un rôle Keycloak signifie ce que ses applications en font. Accordez les autorisations dans l’éditeur de rôles.</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n groupe</numerusform>
            <numerusform>%n groupes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n at the top)</source>
        <translation>
            <numerusform>(%n au premier niveau)</numerusform>
            <numerusform>(%n au premier niveau)</numerusform>
        </translation>
    </message>
    <message>
        <source>imported as composite roles named “group:/path”, each including the group&apos;s roles and its parent group&apos;s role; a member gets one membership with the group&apos;s role.</source>
        <translation>importés comme rôles composites nommés «&#xa0;group:/chemin&#xa0;», chacun incluant les rôles du groupe et le rôle de son groupe parent&#xa0;; un membre reçoit une appartenance avec le rôle du groupe.</translation>
    </message>
    <message numerus="yes">
        <source>%n membership(s) on the new tenant: one per realm role, client role and group of each imported user.</source>
        <translation>
            <numerusform>%n appartenance au nouveau locataire&#xa0;: une par rôle de domaine, rôle client et groupe de chaque utilisateur importé.</numerusform>
            <numerusform>%n appartenances au nouveau locataire&#xa0;: une par rôle de domaine, rôle client et groupe de chaque utilisateur importé.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n utilisateur</numerusform>
            <numerusform>%n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n composite role(s)</source>
        <translation>
            <numerusform>%n rôle composite</numerusform>
            <numerusform>%n rôles composites</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 skipped (%2)</source>
        <translation>%1 ignoré(s) (%2)</translation>
    </message>
    <message>
        <source>: its roles %1</source>
        <translation>&#xa0;: ses rôles %1</translation>
    </message>
    <message numerus="yes">
        <source>%n definition(s) left out</source>
        <translation>
            <numerusform>%n définition omise</numerusform>
            <numerusform>%n définitions omises</numerusform>
        </translation>
    </message>
    <message>
        <source>named by no user, group or composite role.</source>
        <translation>désignés par aucun utilisateur, groupe ou rôle composite.</translation>
    </message>
    <message>
        <source>dropped from %1.</source>
        <translation>retirés de %1.</translation>
    </message>
    <message>
        <source>The realm&apos;s default roles (%1) are not granted: Keycloak grants them at registration, and the export lists the roles each user has.</source>
        <translation>Les rôles par défaut du domaine (%1) ne sont pas attribués&#xa0;: Keycloak les attribue à l’inscription, et l’export liste les rôles de chaque utilisateur.</translation>
    </message>
    <message numerus="yes">
        <source>Not imported: %n client(s), client scopes, identity providers and the realm&apos;s settings, which configure Keycloak itself.</source>
        <translation>
            <numerusform>Non importés&#xa0;: %n client, les portées client, les fournisseurs d’identité et les paramètres du domaine, qui configurent Keycloak lui-même.</numerusform>
            <numerusform>Non importés&#xa0;: %n clients, les portées client, les fournisseurs d’identité et les paramètres du domaine, qui configurent Keycloak lui-même.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::RequestContext</name>
    <message>
        <source>The body could not be read to its end.</source>
        <translation>Le corps n’a pas pu être lu jusqu’au bout.</translation>
    </message>
    <message>
        <source>The body is larger than the %1 bytes this request accepts.</source>
        <translation>Le corps dépasse les %1 octets acceptés par cette requête.</translation>
    </message>
    <message>
        <source>The body was read twice.</source>
        <translation>Le corps a été lu deux fois.</translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (its disk may be full).</source>
        <translation>Le serveur n’a pas pu conserver le fichier envoyé (son disque est peut-être plein).</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Response</name>
    <message>
        <source>The server&apos;s answer to %1 is not a JSON object.</source>
        <translation>La réponse du serveur à %1 n’est pas un objet JSON.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RestStore</name>
    <message>
        <source>Server — %1</source>
        <translation>Serveur — %1</translation>
    </message>
    <message>
        <source>Server — %1 (%2)</source>
        <translation>Serveur — %1 (%2)</translation>
    </message>
    <message>
        <source>%1 does not answer like a TenantDesk server.</source>
        <translation>%1 ne répond pas comme un serveur TenantDesk.</translation>
    </message>
    <message>
        <source>The server at %1 reports that it is not ready.</source>
        <translation>Le serveur %1 indique qu’il n’est pas prêt.</translation>
    </message>
    <message>
        <source>The file is not a tenant backup: it is not a JSON object (%1).</source>
        <translation>Le fichier n’est pas une sauvegarde de locataire&#xa0;: ce n’est pas un objet JSON (%1).</translation>
    </message>
    <message>
        <source>Demo data is generated into a local database, not on a server (%1).</source>
        <translation>Les données de démonstration sont générées dans une base de données locale, pas sur un serveur (%1).</translation>
    </message>
    <message>
        <source>The billing import was cancelled; nothing was imported.</source>
        <translation>L’import de facturation a été annulé&#xa0;; rien n’a été importé.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RestStore::Client</name>
    <message>
        <source>The connection to %1 was closed.</source>
        <translation>La connexion à %1 a été fermée.</translation>
    </message>
    <message>
        <source>Enter your password to sign in to %1.</source>
        <translation>Saisissez votre mot de passe pour vous connecter à %1.</translation>
    </message>
    <message>
        <source>You are not signed in to %1; sign in again.</source>
        <translation>Vous n’êtes pas connecté à %1&#xa0;; reconnectez-vous.</translation>
    </message>
    <message>
        <source>The file “%1” cannot be read: %2</source>
        <translation>Le fichier «&#xa0;%1&#xa0;» est illisible&#xa0;: %2</translation>
    </message>
    <message>
        <source>The server at %1 did not answer within %2 seconds; try again later.</source>
        <translation>Le serveur %1 n’a pas répondu dans les %2 secondes&#xa0;; réessayez plus tard.</translation>
    </message>
    <message>
        <source>The server name in %1 is not known; check the address.</source>
        <translation>Le nom de serveur dans %1 est inconnu&#xa0;; vérifiez l’adresse.</translation>
    </message>
    <message>
        <source>The server at %1 refused the connection: it may be down, or the port may be wrong.</source>
        <translation>Le serveur %1 a refusé la connexion&#xa0;: il est peut-être arrêté, ou le port est erroné.</translation>
    </message>
    <message>
        <source>The server at %1 closed the connection before answering; try again.</source>
        <translation>Le serveur %1 a fermé la connexion avant de répondre&#xa0;; réessayez.</translation>
    </message>
    <message>
        <source>The connection to %1 was lost before the server answered, so the change may or may not have been made: reload to see, then try again.</source>
        <translation>La connexion à %1 a été perdue avant la réponse du serveur&#xa0;; la modification a donc pu être effectuée ou non&#xa0;: rechargez pour vérifier, puis réessayez.</translation>
    </message>
    <message>
        <source>Could not set up a secure connection to %1.</source>
        <translation>Impossible d’établir une connexion sécurisée avec %1.</translation>
    </message>
    <message>
        <source>Could not reach the server at %1; check the address and your network.</source>
        <translation>Impossible de joindre le serveur %1&#xa0;; vérifiez l’adresse et votre réseau.</translation>
    </message>
    <message>
        <source>Your session on %1 has ended; sign in again.</source>
        <translation>Votre session sur %1 a pris fin&#xa0;; reconnectez-vous.</translation>
    </message>
    <message>
        <source>%1: expected a non-empty string.</source>
        <translation>%1&#xa0;: chaîne non vide attendue.</translation>
    </message>
    <message>
        <source>token_type: expected Bearer.</source>
        <translation>token_type&#xa0;: Bearer attendu.</translation>
    </message>
    <message>
        <source>expires_in: expected a positive number of seconds.</source>
        <translation>expires_in&#xa0;: nombre de secondes positif attendu.</translation>
    </message>
    <message>
        <source>user: expected an object.</source>
        <translation>user&#xa0;: objet attendu.</translation>
    </message>
    <message>
        <source>You signed out of %1.</source>
        <translation>Vous vous êtes déconnecté de %1.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RoleListModel</name>
    <message>
        <source>Built in</source>
        <translation>Intégré</translation>
    </message>
    <message>
        <source>tenant %1</source>
        <translation>locataire %1</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Portée</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Propriétaire</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RolesPage</name>
    <message>
        <source>Could not read the roles: %1</source>
        <translation>Impossible de lire les rôles&#xa0;: %1</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Réessayer</translation>
    </message>
    <message>
        <source>&amp;New Role…</source>
        <translation>&amp;Nouveau rôle…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Supprimer…</translation>
    </message>
    <message>
        <source>&amp;Effective Permissions…</source>
        <translation>Autorisations e&amp;ffectives…</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>N&amp;om&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Description&#xa0;:</translation>
    </message>
    <message>
        <source>Scope:</source>
        <translation>Portée&#xa0;:</translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation>Propriétaire&#xa0;:</translation>
    </message>
    <message>
        <source>Permissions (a half-ticked cell is held through an included role):</source>
        <translation>Autorisations (une case à moitié cochée est accordée par un rôle inclus)&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Includes the roles:</source>
        <translation>&amp;Inclut les rôles&#xa0;:</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>Ré&amp;tablir</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <source>Built-in roles</source>
        <translation>Rôles intégrés</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Rôles</translation>
    </message>
    <message>
        <source>Roles of %1 (%2)</source>
        <translation>Rôles de %1 (%2)</translation>
    </message>
    <message>
        <source>Choose a role to see its permissions.</source>
        <translation>Choisissez un rôle pour voir ses autorisations.</translation>
    </message>
    <message>
        <source>A built-in role cannot be changed; create a custom role that includes it instead.</source>
        <translation>Un rôle intégré ne peut pas être modifié&#xa0;; créez plutôt un rôle personnalisé qui l’inclut.</translation>
    </message>
    <message>
        <source>Read-only: this is a preview.</source>
        <translation>Lecture seule&#xa0;: ceci est un aperçu.</translation>
    </message>
    <message>
        <source>Changing roles here needs the permission role.manage on this tenant.</source>
        <translation>Modifier les rôles ici nécessite l’autorisation role.manage sur ce locataire.</translation>
    </message>
    <message>
        <source>%1 (%2 scope): %3</source>
        <translation>%1 (portée %2)&#xa0;: %3</translation>
    </message>
    <message>
        <source>this tenant</source>
        <translation>ce locataire</translation>
    </message>
    <message>
        <source>A role needs a name.</source>
        <translation>Un rôle doit avoir un nom.</translation>
    </message>
    <message>
        <source>Delete Role</source>
        <translation>Supprimer le rôle</translation>
    </message>
    <message>
        <source>Delete the role “%1”? Nobody may hold it and no other role may include it.</source>
        <translation>Supprimer le rôle «&#xa0;%1&#xa0;»&#xa0;? Personne ne doit le détenir et aucun autre rôle ne doit l’inclure.</translation>
    </message>
    <message>
        <source>Could not delete “%1”: %2</source>
        <translation>Impossible de supprimer «&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
    <message>
        <source>Permissions of the role</source>
        <translation>Autorisations du rôle</translation>
    </message>
    <message>
        <source>A half-ticked cell is held through an included role</source>
        <translation>Une case à moitié cochée est accordée par un rôle inclus</translation>
    </message>
    <message>
        <source>Roles the role includes</source>
        <translation>Rôles inclus par le rôle</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ServerOptions</name>
    <message>
        <source>The TenantDesk REST API over a local or shared database.</source>
        <translation>L’API REST de TenantDesk sur une base de données locale ou partagée.</translation>
    </message>
    <message>
        <source>The database: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation>La base de données&#xa0;: sqlite:CHEMIN ou postgresql://UTILISATEUR@HÔTE:PORT/BASE.</translation>
    </message>
    <message>
        <source>The address to listen on, HOST:PORT (port 0: any free port). Default 127.0.0.1:8080.</source>
        <translation>L’adresse d’écoute, HÔTE:PORT (port 0&#xa0;: n’importe quel port libre). Par défaut 127.0.0.1:8080.</translation>
    </message>
    <message>
        <source>PEM certificate file: serve HTTPS.</source>
        <translation>Fichier de certificat PEM&#xa0;: servir en HTTPS.</translation>
    </message>
    <message>
        <source>PEM private key file of the certificate.</source>
        <translation>Fichier de clé privée PEM du certificat.</translation>
    </message>
    <message>
        <source>The file holding the token signing key; created on first start.</source>
        <translation>Le fichier contenant la clé de signature des jetons&#xa0;; créé au premier démarrage.</translation>
    </message>
    <message>
        <source>Append the access log to this file instead of standard error.</source>
        <translation>Ajouter le journal d’accès à ce fichier au lieu de la sortie d’erreur standard.</translation>
    </message>
    <message>
        <source>Create the first platform admin with this e-mail, print a one-time password, and exit.</source>
        <translation>Créer le premier administrateur de plateforme avec cette adresse e-mail, afficher un mot de passe à usage unique et quitter.</translation>
    </message>
    <message>
        <source>Give the existing user with this e-mail a one-time password, print it, and exit.</source>
        <translation>Donner à l’utilisateur existant ayant cette adresse e-mail un mot de passe à usage unique, l’afficher et quitter.</translation>
    </message>
    <message>
        <source>Print every route of the API (method and path) and exit.</source>
        <translation>Afficher chaque route de l’API (méthode et chemin) et quitter.</translation>
    </message>
    <message>
        <source>Request threads (each with its own database connection). Default 64.</source>
        <translation>Threads de traitement des requêtes (chacun avec sa propre connexion à la base de données). Par défaut 64.</translation>
    </message>
    <message>
        <source>Requests per minute per tenant for tenants without their own limit. Default 0: none.</source>
        <translation>Requêtes par minute et par locataire pour les locataires sans limite propre. Par défaut 0&#xa0;: aucune.</translation>
    </message>
    <message>
        <source>The largest tenant backup a restore accepts, in bytes. Default 67108864 (64 MiB).</source>
        <translation>La plus grande sauvegarde de locataire acceptée par une restauration, en octets. Par défaut 67108864 (64 Mio).</translation>
    </message>
    <message>
        <source>--database is required: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation>--database est obligatoire&#xa0;: sqlite:CHEMIN ou postgresql://UTILISATEUR@HÔTE:PORT/BASE.</translation>
    </message>
    <message>
        <source>--listen takes HOST:PORT, such as 127.0.0.1:8080, not “%1”.</source>
        <translation>--listen attend HÔTE:PORT, par exemple 127.0.0.1:8080, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together.</source>
        <translation>--tls-cert et --tls-key vont ensemble.</translation>
    </message>
    <message>
        <source>--%1 takes a whole number from %2 to %3, not “%4”.</source>
        <translation>--%1 attend un nombre entier de %2 à %3, et non «&#xa0;%4&#xa0;».</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Source</name>
    <message>
        <source>cannot start decompressing</source>
        <translation>impossible de démarrer la décompression</translation>
    </message>
    <message>
        <source>the zip file ends early</source>
        <translation>le fichier zip se termine prématurément</translation>
    </message>
    <message>
        <source>the zip file&apos;s entry has no valid local header</source>
        <translation>l’entrée du fichier zip n’a pas d’en-tête local valide</translation>
    </message>
    <message>
        <source>the compressed file ends early</source>
        <translation>le fichier compressé se termine prématurément</translation>
    </message>
    <message>
        <source>the compressed data is damaged (%1)</source>
        <translation>les données compressées sont endommagées (%1)</translation>
    </message>
    <message>
        <source>the zip file has no central directory</source>
        <translation>le fichier zip n’a pas de répertoire central</translation>
    </message>
    <message>
        <source>the zip file&apos;s central directory is out of reach (ZIP64 archives larger than 4 GiB are not read)</source>
        <translation>le répertoire central du fichier zip est hors de portée (les archives ZIP64 de plus de 4 Gio ne sont pas lues)</translation>
    </message>
    <message>
        <source>the zip file&apos;s central directory is damaged</source>
        <translation>le répertoire central du fichier zip est endommagé</translation>
    </message>
    <message>
        <source>the zip file holds no CSV file (it holds: %1)</source>
        <translation>le fichier zip ne contient aucun fichier CSV (il contient&#xa0;: %1)</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>rien</translation>
    </message>
    <message>
        <source>the zip file holds several CSV files (%1); put one export in each zip file</source>
        <translation>le fichier zip contient plusieurs fichiers CSV (%1)&#xa0;; placez un seul export par fichier zip</translation>
    </message>
    <message>
        <source>the zip file&apos;s CSV file is encrypted</source>
        <translation>le fichier CSV du fichier zip est chiffré</translation>
    </message>
    <message>
        <source>the zip file&apos;s CSV file is compressed with method %1; only deflate and stored are read</source>
        <translation>le fichier CSV du fichier zip est compressé avec la méthode %1&#xa0;; seules les méthodes deflate et stored sont lues</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDemoWriter</name>
    <message>
        <source>Could not write the demo data (billing review)</source>
        <translation>Impossible d’écrire les données de démonstration (revue de facturation)</translation>
    </message>
    <message>
        <source>Could not write the demo data (%1)</source>
        <translation>Impossible d’écrire les données de démonstration (%1)</translation>
    </message>
    <message>
        <source>Could not write the demo data (statistics)</source>
        <translation>Impossible d’écrire les données de démonstration (statistiques)</translation>
    </message>
    <message>
        <source>Could not write the demo data (platform)</source>
        <translation>Impossible d’écrire les données de démonstration (plateforme)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDemoWriter::Table</name>
    <message>
        <source>Could not write the demo data (%1)</source>
        <translation>Impossible d’écrire les données de démonstration (%1)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDetail</name>
    <message>
        <source>%1: the database “%2” is locked by another program. Close the other program or try again.</source>
        <translation>%1&#xa0;: la base de données «&#xa0;%2&#xa0;» est verrouillée par un autre programme. Fermez l’autre programme ou réessayez.</translation>
    </message>
    <message>
        <source>%1: the database “%2” is damaged. Restore it from a backup.</source>
        <translation>%1&#xa0;: la base de données «&#xa0;%2&#xa0;» est endommagée. Restaurez-la à partir d’une sauvegarde.</translation>
    </message>
    <message>
        <source>%1: a required value was missing; please report this.</source>
        <translation>%1&#xa0;: une valeur obligatoire manquait&#xa0;; merci de le signaler.</translation>
    </message>
    <message>
        <source>%1: the change conflicts with existing data.</source>
        <translation>%1&#xa0;: la modification est en conflit avec des données existantes.</translation>
    </message>
    <message>
        <source>%1: the database “%2” cannot be written. Check the file&apos;s permissions.</source>
        <translation>%1&#xa0;: impossible d’écrire dans la base de données «&#xa0;%2&#xa0;». Vérifiez les droits du fichier.</translation>
    </message>
    <message>
        <source>%1: the disk holding the database “%2” is full. Nothing was changed; free some space and try again.</source>
        <translation>%1&#xa0;: le disque contenant la base de données «&#xa0;%2&#xa0;» est plein. Rien n’a été modifié&#xa0;; libérez de l’espace et réessayez.</translation>
    </message>
    <message>
        <source>%1: the database “%2” cannot be read or written (disk or file system error).</source>
        <translation>%1&#xa0;: impossible de lire ou d’écrire la base de données «&#xa0;%2&#xa0;» (erreur de disque ou de système de fichiers).</translation>
    </message>
    <message>
        <source>%1: the database “%2” reported an error.</source>
        <translation>%1&#xa0;: la base de données «&#xa0;%2&#xa0;» a signalé une erreur.</translation>
    </message>
    <message>
        <source>%1: the database role may not do this in “%2” (it lacks a right, or the row lies outside the session&apos;s tenants).</source>
        <translation>%1&#xa0;: le rôle de base de données ne peut pas effectuer cette opération dans «&#xa0;%2&#xa0;» (il lui manque un droit, ou la ligne est hors des locataires de la session).</translation>
    </message>
    <message>
        <source>%1: “%2” was busy with a conflicting change. Try again.</source>
        <translation>%1&#xa0;: «&#xa0;%2&#xa0;» était occupé par une modification concurrente. Réessayez.</translation>
    </message>
    <message>
        <source>%1: the PostgreSQL server refused the user name or password given for “%2”, or no password was given (in the URL, PGPASSWORD or ~/.pgpass). Check them.</source>
        <translation>%1&#xa0;: le serveur PostgreSQL a refusé le nom d’utilisateur ou le mot de passe indiqué pour «&#xa0;%2&#xa0;», ou aucun mot de passe n’a été fourni (dans l’URL, PGPASSWORD ou ~/.pgpass). Vérifiez-les.</translation>
    </message>
    <message>
        <source>%1: the database of “%2” does not exist on its server. Create it first.</source>
        <translation>%1&#xa0;: la base de données de «&#xa0;%2&#xa0;» n’existe pas sur son serveur. Créez-la d’abord.</translation>
    </message>
    <message>
        <source>%1: the PostgreSQL server of “%2” cannot be reached or is not taking work now. Check that it runs and accepts connections, then try again.</source>
        <translation>%1&#xa0;: le serveur PostgreSQL de «&#xa0;%2&#xa0;» est injoignable ou n’accepte pas de travail pour le moment. Vérifiez qu’il fonctionne et accepte les connexions, puis réessayez.</translation>
    </message>
    <message>
        <source>The page cursor “%1” is not valid; start again from the first page.</source>
        <translation>Le curseur de page «&#xa0;%1&#xa0;» n’est pas valide&#xa0;; recommencez à la première page.</translation>
    </message>
    <message>
        <source>A page holds 1 to %1 items; %2 were asked for.</source>
        <translation>Une page contient de 1 à %1 éléments&#xa0;; %2 ont été demandés.</translation>
    </message>
    <message>
        <source>Could not read a tenant</source>
        <translation>Impossible de lire un locataire</translation>
    </message>
    <message>
        <source>There is no tenant with id %1; it may have been deleted.</source>
        <translation>Il n’existe aucun locataire d’identifiant %1&#xa0;; il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>Could not read tenants</source>
        <translation>Impossible de lire des locataires</translation>
    </message>
    <message>
        <source>Could not read the environments of a tenant</source>
        <translation>Impossible de lire les environnements d’un locataire</translation>
    </message>
    <message>
        <source>“%1” was changed by someone else (version %2; this edit was made on version %3). Review their change, then edit again.</source>
        <translation>«&#xa0;%1&#xa0;» a été modifié par quelqu’un d’autre (version %2&#xa0;; cette modification a été faite sur la version %3). Examinez sa modification, puis recommencez.</translation>
    </message>
    <message>
        <source>Could not number a new row</source>
        <translation>Impossible de numéroter une nouvelle ligne</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlSession</name>
    <message>
        <source>The attribution rules were changed by someone else since you read them (now version %1). Read them again, then make your change.</source>
        <translation>Les règles d’attribution ont été modifiées par quelqu’un d’autre depuis votre lecture (version %1 désormais). Relisez-les, puis refaites votre modification.</translation>
    </message>
    <message>
        <source>Could not save the attribution rules</source>
        <translation>Impossible d’enregistrer les règles d’attribution</translation>
    </message>
    <message>
        <source>Could not read the billing lines</source>
        <translation>Impossible de lire les lignes de facturation</translation>
    </message>
    <message>
        <source>Applying the attribution rules was cancelled; nothing was changed.</source>
        <translation>L’application des règles d’attribution a été annulée&#xa0;; rien n’a été modifié.</translation>
    </message>
    <message>
        <source>A billing line holds a cost that is not a decimal number: “%1”.</source>
        <translation>Une ligne de facturation contient un coût qui n’est pas un nombre décimal&#xa0;: «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not attribute the billing lines</source>
        <translation>Impossible d’attribuer les lignes de facturation</translation>
    </message>
    <message>
        <source>Could not read the billing roll-ups</source>
        <translation>Impossible de lire les agrégats de facturation</translation>
    </message>
    <message>
        <source>A billing roll-up holds a cost that is not a decimal number: “%1”.</source>
        <translation>Un agrégat de facturation contient un coût qui n’est pas un nombre décimal&#xa0;: «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>expected a month such as 2024-09.</source>
        <translation>mois attendu, par exemple 2024-09.</translation>
    </message>
    <message>
        <source>Could not read the budgets</source>
        <translation>Impossible de lire les budgets</translation>
    </message>
    <message>
        <source>expected an ISO 4217 currency code such as USD or EUR.</source>
        <translation>code de devise ISO 4217 attendu, par exemple USD ou EUR.</translation>
    </message>
    <message>
        <source>expected a plain decimal number of at least 0, such as 1200.00 (or nothing to remove the budget).</source>
        <translation>nombre décimal simple supérieur ou égal à 0 attendu, par exemple 1200.00 (ou rien pour supprimer le budget).</translation>
    </message>
    <message>
        <source>Could not read the budget</source>
        <translation>Impossible de lire le budget</translation>
    </message>
    <message>
        <source>Could not save the budget</source>
        <translation>Impossible d’enregistrer le budget</translation>
    </message>
    <message>
        <source>The billing import was cancelled; nothing was imported.</source>
        <translation>L’import de facturation a été annulé&#xa0;; rien n’a été importé.</translation>
    </message>
    <message>
        <source>Could not read the attribution rules</source>
        <translation>Impossible de lire les règles d’attribution</translation>
    </message>
    <message>
        <source>The stored attribution rules cannot be read: %1</source>
        <translation>Les règles d’attribution enregistrées sont illisibles&#xa0;: %1</translation>
    </message>
    <message>
        <source>The tag “%1” now names tenants in the attribution rules.</source>
        <translation>L’étiquette «&#xa0;%1&#xa0;» désigne désormais des locataires dans les règles d’attribution.</translation>
    </message>
    <message>
        <source>Could not read the tenants</source>
        <translation>Impossible de lire les locataires</translation>
    </message>
    <message>
        <source>The file cannot be read.</source>
        <translation>Le fichier est illisible.</translation>
    </message>
    <message>
        <source>Could not record the billing import</source>
        <translation>Impossible d’enregistrer l’import de facturation</translation>
    </message>
    <message>
        <source>Could not replace the earlier import</source>
        <translation>Impossible de remplacer l’import précédent</translation>
    </message>
    <message>
        <source>Replaced import %1 of the same file (%2, %3).</source>
        <translation>Import %1 du même fichier remplacé (%2, %3).</translation>
    </message>
    <message>
        <source>Could not write the billing roll-ups</source>
        <translation>Impossible d’écrire les agrégats de facturation</translation>
    </message>
    <message>
        <source>Billed cost per currency: %1.</source>
        <translation>Coût facturé par devise&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Could not read the billing imports</source>
        <translation>Impossible de lire les imports de facturation</translation>
    </message>
    <message>
        <source>Could not read the billing import</source>
        <translation>Impossible de lire l’import de facturation</translation>
    </message>
    <message>
        <source>There is no billing import %1; it may have been deleted.</source>
        <translation>Il n’existe aucun import de facturation %1&#xa0;; il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>Could not delete the billing import</source>
        <translation>Impossible de supprimer l’import de facturation</translation>
    </message>
    <message>
        <source>Could not start a transaction</source>
        <translation>Impossible de démarrer une transaction</translation>
    </message>
    <message>
        <source>%1: one is already running on this connection.</source>
        <translation>%1&#xa0;: une transaction est déjà en cours sur cette connexion.</translation>
    </message>
    <message>
        <source>Could not commit: no transaction is running on this connection.</source>
        <translation>Validation impossible&#xa0;: aucune transaction n’est en cours sur cette connexion.</translation>
    </message>
    <message>
        <source>Could not save the changes</source>
        <translation>Impossible d’enregistrer les modifications</translation>
    </message>
    <message>
        <source>Could not open “%1”</source>
        <translation>Impossible d’ouvrir «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>The database file “%1” does not exist.</source>
        <translation>Le fichier de base de données «&#xa0;%1&#xa0;» n’existe pas.</translation>
    </message>
    <message>
        <source>Could not create the folder “%1” for the database.</source>
        <translation>Impossible de créer le dossier «&#xa0;%1&#xa0;» pour la base de données.</translation>
    </message>
    <message>
        <source>“%1” is a folder, not a database file.</source>
        <translation>«&#xa0;%1&#xa0;» est un dossier, pas un fichier de base de données.</translation>
    </message>
    <message>
        <source>The database file “%1” cannot be read.</source>
        <translation>Le fichier de base de données «&#xa0;%1&#xa0;» est illisible.</translation>
    </message>
    <message>
        <source>“%1” is an empty file, not a TenantDesk database.</source>
        <translation>«&#xa0;%1&#xa0;» est un fichier vide, pas une base de données TenantDesk.</translation>
    </message>
    <message>
        <source>“%1” is not a TenantDesk database: it is not an SQLite database file.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une base de données TenantDesk&#xa0;: ce n’est pas un fichier de base de données SQLite.</translation>
    </message>
    <message>
        <source>“%1” is an empty SQLite database, not a TenantDesk database.</source>
        <translation>«&#xa0;%1&#xa0;» est une base de données SQLite vide, pas une base de données TenantDesk.</translation>
    </message>
    <message>
        <source>“%1” is an SQLite database of another application, not a TenantDesk database.</source>
        <translation>«&#xa0;%1&#xa0;» est une base de données SQLite d’une autre application, pas une base de données TenantDesk.</translation>
    </message>
    <message>
        <source>“%1” was written by a newer TenantDesk (schema version %2; this TenantDesk reads up to version %3). Update TenantDesk to open it.</source>
        <translation>«&#xa0;%1&#xa0;» a été écrit par une version plus récente de TenantDesk (schéma version %2&#xa0;; cette version lit jusqu’à la version %3). Mettez TenantDesk à jour pour l’ouvrir.</translation>
    </message>
    <message>
        <source>Could not bring “%1” up to date</source>
        <translation>Impossible de mettre «&#xa0;%1&#xa0;» à jour</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <source>Could not read the platform</source>
        <translation>Impossible de lire la plateforme</translation>
    </message>
    <message>
        <source>Could not read the platform summary</source>
        <translation>Impossible de lire la synthèse de la plateforme</translation>
    </message>
    <message>
        <source>Could not check the database</source>
        <translation>Impossible de vérifier la base de données</translation>
    </message>
    <message>
        <source>There is no tenant with the slug “%1”.</source>
        <translation>Il n’existe aucun locataire avec l’identifiant court «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not count the members of a tenant</source>
        <translation>Impossible de compter les membres d’un locataire</translation>
    </message>
    <message>
        <source>Could not search the tenants</source>
        <translation>Impossible de rechercher les locataires</translation>
    </message>
    <message>
        <source>Could not read an environment</source>
        <translation>Impossible de lire un environnement</translation>
    </message>
    <message>
        <source>There is no environment with id %1; it may have been deleted.</source>
        <translation>Il n’existe aucun environnement d’identifiant %1&#xa0;; il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>Could not count the members of an environment</source>
        <translation>Impossible de compter les membres d’un environnement</translation>
    </message>
    <message>
        <source>Could not read the users</source>
        <translation>Impossible de lire les utilisateurs</translation>
    </message>
    <message>
        <source>Could not read the memberships</source>
        <translation>Impossible de lire les appartenances</translation>
    </message>
    <message>
        <source>The page cursor “%1” is not valid; start again from the first page.</source>
        <translation>Le curseur de page «&#xa0;%1&#xa0;» n’est pas valide&#xa0;; recommencez à la première page.</translation>
    </message>
    <message>
        <source>Could not read the roles</source>
        <translation>Impossible de lire les rôles</translation>
    </message>
    <message>
        <source>Could not read the permissions of the roles</source>
        <translation>Impossible de lire les autorisations des rôles</translation>
    </message>
    <message>
        <source>Could not read the composite roles</source>
        <translation>Impossible de lire les rôles composites</translation>
    </message>
    <message>
        <source>from/to: a time range needs a start before its end.</source>
        <translation>from/to&#xa0;: une plage horaire doit commencer avant sa fin.</translation>
    </message>
    <message>
        <source>Could not read the audit trail</source>
        <translation>Impossible de lire le journal d’audit</translation>
    </message>
    <message>
        <source>from/to: a usage range needs a start before its end.</source>
        <translation>from/to&#xa0;: une plage d’utilisation doit commencer avant sa fin.</translation>
    </message>
    <message>
        <source>from/to: a usage range covers at most 400 days.</source>
        <translation>from/to&#xa0;: une plage d’utilisation couvre 400 jours au maximum.</translation>
    </message>
    <message>
        <source>Could not read the usage</source>
        <translation>Impossible de lire l’utilisation</translation>
    </message>
    <message>
        <source>from/to: a billing range needs a start before its end.</source>
        <translation>from/to&#xa0;: une plage de facturation doit commencer avant sa fin.</translation>
    </message>
    <message>
        <source>Could not write the audit event</source>
        <translation>Impossible d’écrire l’événement d’audit</translation>
    </message>
    <message>
        <source>Could not read a user</source>
        <translation>Impossible de lire un utilisateur</translation>
    </message>
    <message>
        <source>There is no user with id %1; they may have been deleted.</source>
        <translation>Il n’existe aucun utilisateur d’identifiant %1&#xa0;; il a peut-être été supprimé.</translation>
    </message>
    <message>
        <source>Could not read the account</source>
        <translation>Impossible de lire le compte</translation>
    </message>
    <message>
        <source>Could not store the password</source>
        <translation>Impossible d’enregistrer le mot de passe</translation>
    </message>
    <message>
        <source>Could not record the sign-in</source>
        <translation>Impossible d’enregistrer la connexion</translation>
    </message>
    <message>
        <source>Could not create the user</source>
        <translation>Impossible de créer l’utilisateur</translation>
    </message>
    <message>
        <source>The new user “%1” could not be read back.</source>
        <translation>Le nouvel utilisateur «&#xa0;%1&#xa0;» n’a pas pu être relu.</translation>
    </message>
    <message>
        <source>Could not grant the platform role</source>
        <translation>Impossible d’attribuer le rôle de plateforme</translation>
    </message>
    <message>
        <source>There is no built-in role “%1”.</source>
        <translation>Il n’existe aucun rôle intégré «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Could not read the user&apos;s platform roles</source>
        <translation>Impossible de lire les rôles de plateforme de l’utilisateur</translation>
    </message>
    <message>
        <source>Could not read the user&apos;s memberships</source>
        <translation>Impossible de lire les appartenances de l’utilisateur</translation>
    </message>
    <message>
        <source>Could not store the session</source>
        <translation>Impossible d’enregistrer la session</translation>
    </message>
    <message>
        <source>Could not read the session</source>
        <translation>Impossible de lire la session</translation>
    </message>
    <message>
        <source>Could not end the session</source>
        <translation>Impossible de terminer la session</translation>
    </message>
    <message>
        <source>Could not add the built-in roles</source>
        <translation>Impossible d’ajouter les rôles intégrés</translation>
    </message>
    <message>
        <source>Could not change the tenant</source>
        <translation>Impossible de modifier le locataire</translation>
    </message>
    <message>
        <source>“%1” was changed by someone else; review their change, then edit again.</source>
        <translation>«&#xa0;%1&#xa0;» a été modifié par quelqu’un d’autre&#xa0;; examinez sa modification, puis recommencez.</translation>
    </message>
    <message>
        <source>Could not add a sub-tenant</source>
        <translation>Impossible d’ajouter un sous-locataire</translation>
    </message>
    <message>
        <source>Could not create the tenant</source>
        <translation>Impossible de créer le locataire</translation>
    </message>
    <message>
        <source>parent_id: “%1” cannot move under itself or one of its own sub-tenants.</source>
        <translation>parent_id&#xa0;: «&#xa0;%1&#xa0;» ne peut pas être déplacé sous lui-même ni sous l’un de ses sous-locataires.</translation>
    </message>
    <message>
        <source>Could not move the tenant</source>
        <translation>Impossible de déplacer le locataire</translation>
    </message>
    <message>
        <source>status: “%1” is %2 and cannot become %3; from %2 it can become: %4.</source>
        <translation>status&#xa0;: «&#xa0;%1&#xa0;» est %2 et ne peut pas devenir %3&#xa0;; depuis %2, il peut devenir&#xa0;: %4.</translation>
    </message>
    <message>
        <source>nothing (this is the end of its life)</source>
        <translation>rien (c’est la fin de son cycle de vie)</translation>
    </message>
    <message>
        <source>Could not change the tenant&apos;s status</source>
        <translation>Impossible de modifier le statut du locataire</translation>
    </message>
    <message>
        <source>status: “%1” has %2 sub-tenant(s) that are not archived; decommission them first.</source>
        <translation>status&#xa0;: «&#xa0;%1&#xa0;» a %2 sous-locataire(s) non archivé(s)&#xa0;; mettez-les d’abord hors service.</translation>
    </message>
    <message>
        <source>status: “%1” is archived only once its decommissioning checklist is done; still to do: %2.</source>
        <translation>status&#xa0;: «&#xa0;%1&#xa0;» n’est archivé qu’une fois sa liste de contrôle de mise hors service terminée&#xa0;; reste à faire&#xa0;: %2.</translation>
    </message>
    <message>
        <source>status: “%1” is %2; its checklist is worked through once it is decommissioning.</source>
        <translation>status&#xa0;: «&#xa0;%1&#xa0;» est %2&#xa0;; sa liste de contrôle se traite une fois la mise hors service commencée.</translation>
    </message>
    <message>
        <source>Could not record the decommissioning step</source>
        <translation>Impossible d’enregistrer l’étape de mise hors service</translation>
    </message>
    <message>
        <source>confirm_slug: type the tenant&apos;s slug, “%1”, to delete its data.</source>
        <translation>confirm_slug&#xa0;: saisissez l’identifiant court du locataire, «&#xa0;%1&#xa0;», pour supprimer ses données.</translation>
    </message>
    <message>
        <source>step: back “%1” up before its data is deleted.</source>
        <translation>step&#xa0;: sauvegardez «&#xa0;%1&#xa0;» avant la suppression de ses données.</translation>
    </message>
    <message>
        <source>Could not back the tenant up</source>
        <translation>Impossible de sauvegarder le locataire</translation>
    </message>
    <message>
        <source>Could not restore the tenant</source>
        <translation>Impossible de restaurer le locataire</translation>
    </message>
    <message>
        <source>slug: a tenant “%1” exists here and is not archived; a backup is restored over an archived tenant or where the slug is free.</source>
        <translation>slug&#xa0;: un locataire «&#xa0;%1&#xa0;» existe ici et n’est pas archivé&#xa0;; une sauvegarde se restaure sur un locataire archivé ou là où l’identifiant court est libre.</translation>
    </message>
    <message>
        <source>“%1” still holds environments; its data was not deleted, so there is nothing to restore.</source>
        <translation>«&#xa0;%1&#xa0;» contient encore des environnements&#xa0;; ses données n’ont pas été supprimées, il n’y a donc rien à restaurer.</translation>
    </message>
    <message>
        <source>role “%1” includes “%2”, which is not here</source>
        <translation>le rôle «&#xa0;%1&#xa0;» inclut «&#xa0;%2&#xa0;», qui n’est pas présent ici</translation>
    </message>
    <message>
        <source>%1 as %2: the role or environment is not here</source>
        <translation>%1 en tant que %2&#xa0;: le rôle ou l’environnement n’est pas présent ici</translation>
    </message>
    <message>
        <source>Could not restore the tenant&apos;s usage</source>
        <translation>Impossible de restaurer l’utilisation du locataire</translation>
    </message>
    <message>
        <source>confirm_slug: type the tenant&apos;s slug, “%1”, to delete it.</source>
        <translation>confirm_slug&#xa0;: saisissez l’identifiant court du locataire, «&#xa0;%1&#xa0;», pour le supprimer.</translation>
    </message>
    <message>
        <source>status: “%1” is %2; only a tenant never provisioned (requested) or an archived one is deleted. Decommission it instead.</source>
        <translation>status&#xa0;: «&#xa0;%1&#xa0;» est %2&#xa0;; seul un locataire jamais provisionné (demandé) ou archivé peut être supprimé. Mettez-le plutôt hors service.</translation>
    </message>
    <message>
        <source>status: “%1” has sub-tenants; delete or move them first.</source>
        <translation>status&#xa0;: «&#xa0;%1&#xa0;» a des sous-locataires&#xa0;; supprimez-les ou déplacez-les d’abord.</translation>
    </message>
    <message>
        <source>Could not delete the tenant</source>
        <translation>Impossible de supprimer le locataire</translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation>Impossible d’ajouter l’environnement</translation>
    </message>
    <message>
        <source>Could not change the environment</source>
        <translation>Impossible de modifier l’environnement</translation>
    </message>
    <message>
        <source>Could not remove the environment</source>
        <translation>Impossible de supprimer l’environnement</translation>
    </message>
    <message>
        <source>keys: choose at least one setting to promote.</source>
        <translation>keys&#xa0;: choisissez au moins un paramètre à promouvoir.</translation>
    </message>
    <message>
        <source>target_id: an environment is promoted to another one, not to itself.</source>
        <translation>target_id&#xa0;: un environnement est promu vers un autre, pas vers lui-même.</translation>
    </message>
    <message>
        <source>source_id: settings are promoted between environments of one tenant.</source>
        <translation>source_id&#xa0;: les paramètres sont promus entre environnements d’un même locataire.</translation>
    </message>
    <message>
        <source>Could not promote the settings</source>
        <translation>Impossible de promouvoir les paramètres</translation>
    </message>
    <message>
        <source>keys: neither “%1” nor “%2” has a setting “%3”.</source>
        <translation>keys&#xa0;: ni «&#xa0;%1&#xa0;» ni «&#xa0;%2&#xa0;» n’a de paramètre «&#xa0;%3&#xa0;».</translation>
    </message>
    <message>
        <source>parent_id: -1 (every tenant), 0 (top-level tenants) or a tenant&apos;s id.</source>
        <translation>parent_id&#xa0;: -1 (tous les locataires), 0 (locataires de premier niveau) ou l’identifiant d’un locataire.</translation>
    </message>
    <message>
        <source>Could not sum the usage</source>
        <translation>Impossible de totaliser l’utilisation</translation>
    </message>
    <message>
        <source>“%1” already belongs to the user “%2”.</source>
        <translation>«&#xa0;%1&#xa0;» appartient déjà à l’utilisateur «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>The change names no field to change.</source>
        <translation>La modification n’indique aucun champ à modifier.</translation>
    </message>
    <message>
        <source>a user who is %1 cannot become %2.</source>
        <translation>un utilisateur %1 ne peut pas devenir %2.</translation>
    </message>
    <message>
        <source>Could not change the user</source>
        <translation>Impossible de modifier l’utilisateur</translation>
    </message>
    <message>
        <source>%1 already holds “%2” there.</source>
        <translation>%1 détient déjà «&#xa0;%2&#xa0;» à cet endroit.</translation>
    </message>
    <message>
        <source>Could not grant the role</source>
        <translation>Impossible d’attribuer le rôle</translation>
    </message>
    <message>
        <source>Could not read a tenant</source>
        <translation>Impossible de lire un locataire</translation>
    </message>
    <message>
        <source>%1 does not hold that role there (any more).</source>
        <translation>%1 ne détient pas (ou plus) ce rôle à cet endroit.</translation>
    </message>
    <message>
        <source>Could not take the role away</source>
        <translation>Impossible de retirer le rôle</translation>
    </message>
    <message>
        <source>a role of no tenant is a platform role; tenant and environment roles belong to a tenant.</source>
        <translation>un rôle sans locataire est un rôle de plateforme&#xa0;; les rôles de locataire et d’environnement appartiennent à un locataire.</translation>
    </message>
    <message>
        <source>a tenant&apos;s role has tenant or environment scope; platform roles belong to the platform.</source>
        <translation>le rôle d’un locataire a une portée locataire ou environnement&#xa0;; les rôles de plateforme appartiennent à la plateforme.</translation>
    </message>
    <message>
        <source>“%1” is being retired; its roles no longer change.</source>
        <translation>«&#xa0;%1&#xa0;» est en cours de retrait&#xa0;; ses rôles ne changent plus.</translation>
    </message>
    <message>
        <source>Could not create the role</source>
        <translation>Impossible de créer le rôle</translation>
    </message>
    <message>
        <source>“%1” is a built-in role; built-in roles do not change. Create a custom role that includes it instead.</source>
        <translation>«&#xa0;%1&#xa0;» est un rôle intégré&#xa0;; les rôles intégrés ne changent pas. Créez plutôt un rôle personnalisé qui l’inclut.</translation>
    </message>
    <message>
        <source>Could not change the role</source>
        <translation>Impossible de modifier le rôle</translation>
    </message>
    <message>
        <source>“%1” is a built-in role; built-in roles cannot be deleted.</source>
        <translation>«&#xa0;%1&#xa0;» est un rôle intégré&#xa0;; les rôles intégrés ne peuvent pas être supprimés.</translation>
    </message>
    <message>
        <source>Could not delete the role</source>
        <translation>Impossible de supprimer le rôle</translation>
    </message>
    <message>
        <source>“%1” is included in %2; remove it from there first.</source>
        <translation>«&#xa0;%1&#xa0;» est inclus dans %2&#xa0;; retirez-le d’abord de là.</translation>
    </message>
    <message>
        <source>Choose at least one user.</source>
        <translation>Choisissez au moins un utilisateur.</translation>
    </message>
    <message>
        <source>one status per user is needed (%1 users, %2 statuses).</source>
        <translation>un statut par utilisateur est nécessaire (%1 utilisateurs, %2 statuts).</translation>
    </message>
    <message>
        <source>“%1” is being retired; it takes no new members.</source>
        <translation>«&#xa0;%1&#xa0;» est en cours de retrait&#xa0;; il n’accepte plus de nouveaux membres.</translation>
    </message>
    <message>
        <source>“%1” has no environment with id %2.</source>
        <translation>«&#xa0;%1&#xa0;» n’a aucun environnement d’identifiant %2.</translation>
    </message>
    <message>
        <source>the users are there already; choose another tenant or environment.</source>
        <translation>les utilisateurs y sont déjà&#xa0;; choisissez un autre locataire ou environnement.</translation>
    </message>
    <message>
        <source>Could not change the users</source>
        <translation>Impossible de modifier les utilisateurs</translation>
    </message>
    <message>
        <source>%1 is %2 and cannot become %3; nothing was changed.</source>
        <translation>%1 est %2 et ne peut pas devenir %3&#xa0;; rien n’a été modifié.</translation>
    </message>
    <message>
        <source>%1 holds “%2”, a role of “%3” that “%4” cannot use; nothing was moved.</source>
        <translation>%1 détient «&#xa0;%2&#xa0;», un rôle de «&#xa0;%3&#xa0;» que «&#xa0;%4&#xa0;» ne peut pas utiliser&#xa0;; rien n’a été déplacé.</translation>
    </message>
    <message>
        <source>%1 holds the environment role “%2”, which needs an environment to move to; nothing was moved.</source>
        <translation>%1 détient le rôle d’environnement «&#xa0;%2&#xa0;», qui nécessite un environnement de destination&#xa0;; rien n’a été déplacé.</translation>
    </message>
    <message>
        <source>“%1” cannot be a tenant&apos;s slug: %2</source>
        <translation>«&#xa0;%1&#xa0;» ne peut pas être l’identifiant court d’un locataire&#xa0;: %2</translation>
    </message>
    <message>
        <source>Could not check the slug</source>
        <translation>Impossible de vérifier l’identifiant court</translation>
    </message>
    <message>
        <source>the tenant “%1” exists already (“%2”); import into it, or choose another slug.</source>
        <translation>le locataire «&#xa0;%1&#xa0;» existe déjà («&#xa0;%2&#xa0;»)&#xa0;; importez dans celui-ci, ou choisissez un autre identifiant court.</translation>
    </message>
    <message>
        <source>there is no tenant “%1”.</source>
        <translation>il n’existe aucun locataire «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>the role “%1” appears twice.</source>
        <translation>le rôle «&#xa0;%1&#xa0;» apparaît deux fois.</translation>
    </message>
    <message>
        <source>“%1” is no permission TenantDesk knows.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une autorisation connue de TenantDesk.</translation>
    </message>
    <message>
        <source>“%1” includes “%2”, which is neither in the import nor a role here.</source>
        <translation>«&#xa0;%1&#xa0;» inclut «&#xa0;%2&#xa0;», qui n’est ni dans l’import ni un rôle existant ici.</translation>
    </message>
    <message>
        <source>the roles include each other in a cycle: %1.</source>
        <translation>les rôles s’incluent mutuellement en cycle&#xa0;: %1.</translation>
    </message>
    <message>
        <source>%1 appears again (first on line %2).</source>
        <translation>%1 apparaît de nouveau (première fois à la ligne %2).</translation>
    </message>
    <message>
        <source>the new tenant “%1” has no environment “%2” yet.</source>
        <translation>le nouveau locataire «&#xa0;%1&#xa0;» n’a pas encore d’environnement «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>the row names a role but no tenant.</source>
        <translation>la ligne désigne un rôle mais aucun locataire.</translation>
    </message>
    <message>
        <source>“%1” has no environment “%2”.</source>
        <translation>«&#xa0;%1&#xa0;» n’a pas d’environnement «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>there is no role “%1” in “%2”.</source>
        <translation>il n’existe aucun rôle «&#xa0;%1&#xa0;» dans «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>Could not import</source>
        <translation>Import impossible</translation>
    </message>
    <message>
        <source>the tag key whose values are listed is required.</source>
        <translation>la clé d’étiquette dont les valeurs sont listées est requise.</translation>
    </message>
    <message>
        <source>Could not read the values of the tag</source>
        <translation>Impossible de lire les valeurs de l’étiquette</translation>
    </message>
    <message>
        <source>The tag keys of the billing lines are read by a platform administrator only.</source>
        <translation>Seul un administrateur de la plateforme lit les clés d’étiquette des lignes de facturation.</translation>
    </message>
    <message>
        <source>Could not read the tag keys</source>
        <translation>Impossible de lire les clés d’étiquette</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlStore</name>
    <message>
        <source>The database “%1” was closed.</source>
        <translation>La base de données «&#xa0;%1&#xa0;» a été fermée.</translation>
    </message>
    <message>
        <source>The database “%1” is not open.</source>
        <translation>La base de données «&#xa0;%1&#xa0;» n’est pas ouverte.</translation>
    </message>
    <message>
        <source>“%1” already holds tenants; demo data goes into an empty database.</source>
        <translation>«&#xa0;%1&#xa0;» contient déjà des locataires&#xa0;; les données de démonstration vont dans une base de données vide.</translation>
    </message>
    <message>
        <source>“%1” already holds a platform with its roles; demo data goes into an empty database.</source>
        <translation>«&#xa0;%1&#xa0;» contient déjà une plateforme avec ses rôles&#xa0;; les données de démonstration vont dans une base de données vide.</translation>
    </message>
    <message>
        <source>The database “%1” was closed while the demo was generated; nothing was kept.</source>
        <translation>La base de données «&#xa0;%1&#xa0;» a été fermée pendant la génération de la démo&#xa0;; rien n’a été conservé.</translation>
    </message>
    <message>
        <source>The SQLite driver gave no database handle.</source>
        <translation>Le pilote SQLite n’a fourni aucun descripteur de base de données.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqliteLineWriter</name>
    <message>
        <source>The SQLite driver gave no database handle.</source>
        <translation>Le pilote SQLite n’a fourni aucun descripteur de base de données.</translation>
    </message>
    <message>
        <source>Could not write the billing lines</source>
        <translation>Impossible d’écrire les lignes de facturation</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantAdministration</name>
    <message>
        <source>&amp;New Tenant…</source>
        <translation>&amp;Nouveau locataire…</translation>
    </message>
    <message>
        <source>Create a tenant under the selected one (or at the top level when the platform is selected)</source>
        <translation>Créer un locataire sous celui sélectionné (ou au premier niveau lorsque la plateforme est sélectionnée)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <source>&amp;Provision</source>
        <translation>&amp;Provisionner</translation>
    </message>
    <message>
        <source>&amp;Activate</source>
        <translation>&amp;Activer</translation>
    </message>
    <message>
        <source>S&amp;uspend…</source>
        <translation>&amp;Suspendre…</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message>
        <source>&amp;Decommission…</source>
        <translation>&amp;Mettre hors service…</translation>
    </message>
    <message>
        <source>De&amp;lete…</source>
        <translation>Supprim&amp;er…</translation>
    </message>
    <message>
        <source>Restore from &amp;Backup…</source>
        <translation>Restaurer depuis une sauve&amp;garde…</translation>
    </message>
    <message>
        <source>Add &amp;Environment…</source>
        <translation>A&amp;jouter un environnement…</translation>
    </message>
    <message>
        <source>Re&amp;name Environment…</source>
        <translation>Reno&amp;mmer l’environnement…</translation>
    </message>
    <message>
        <source>Environment Se&amp;ttings…</source>
        <translation>Paramètres de l’en&amp;vironnement…</translation>
    </message>
    <message>
        <source>Remo&amp;ve Environment…</source>
        <translation>Supp&amp;rimer l’environnement…</translation>
    </message>
    <message>
        <source>&amp;Promote Settings…</source>
        <translation>Promouvoir les paramè&amp;tres…</translation>
    </message>
    <message>
        <source>&amp;Lifecycle</source>
        <translation>&amp;Cycle de vie</translation>
    </message>
    <message>
        <source>Could not read the tenant</source>
        <translation>Impossible de lire le locataire</translation>
    </message>
    <message>
        <source>Suspend %1</source>
        <translation>Suspendre %1</translation>
    </message>
    <message>
        <source>Suspend “%1”? Its admins and users can no longer sign in until it is resumed.</source>
        <translation>Suspendre «&#xa0;%1&#xa0;»&#xa0;? Ses administrateurs et utilisateurs ne pourront plus se connecter jusqu’à sa reprise.</translation>
    </message>
    <message>
        <source>Could not change the status of %1</source>
        <translation>Impossible de modifier le statut de %1</translation>
    </message>
    <message>
        <source>Decommission %1</source>
        <translation>Mettre %1 hors service</translation>
    </message>
    <message>
        <source>Start decommissioning “%1”? It cannot be resumed afterwards; it can only be archived, and later restored from its backup.</source>
        <translation>Commencer la mise hors service de «&#xa0;%1&#xa0;»&#xa0;? Il ne pourra plus être repris ensuite&#xa0;; il pourra seulement être archivé, puis restauré depuis sa sauvegarde.</translation>
    </message>
    <message>
        <source>Could not decommission %1</source>
        <translation>Impossible de mettre %1 hors service</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>Supprimer %1</translation>
    </message>
    <message>
        <source>“%1” and everything it holds will be deleted for good.
Type its slug, %2, to confirm:</source>
        <translation>«&#xa0;%1&#xa0;» et tout son contenu seront supprimés définitivement.
Saisissez son identifiant court, %2, pour confirmer&#xa0;:</translation>
    </message>
    <message>
        <source>Could not delete %1</source>
        <translation>Impossible de supprimer %1</translation>
    </message>
    <message>
        <source>Restore a Tenant from Its Backup</source>
        <translation>Restaurer un locataire depuis sa sauvegarde</translation>
    </message>
    <message>
        <source>Tenant backups (*.json);;All files (*)</source>
        <translation>Sauvegardes de locataire (*.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Could not restore the tenant</source>
        <translation>Impossible de restaurer le locataire</translation>
    </message>
    <message>
        <source>Could not read “%1”: %2.</source>
        <translation>Impossible de lire «&#xa0;%1&#xa0;»&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Could not restore the tenant from “%1”</source>
        <translation>Impossible de restaurer le locataire depuis «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>Add Environment to %1</source>
        <translation>Ajouter un environnement à %1</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>&amp;Type&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>N&amp;om&#xa0;:</translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation>Impossible d’ajouter l’environnement</translation>
    </message>
    <message>
        <source>Rename Environment</source>
        <translation>Renommer l’environnement</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Nouveau nom&#xa0;:</translation>
    </message>
    <message>
        <source>Rename environment %1</source>
        <translation>Renommer l’environnement %1</translation>
    </message>
    <message>
        <source>Could not rename the environment</source>
        <translation>Impossible de renommer l’environnement</translation>
    </message>
    <message>
        <source>Change settings of %1</source>
        <translation>Modifier les paramètres de %1</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>Supprimer %1</translation>
    </message>
    <message>
        <source>Remove the environment “%1” of “%2”, with its memberships and usage? Undo adds it back with its settings, not its memberships.</source>
        <translation>Supprimer l’environnement «&#xa0;%1&#xa0;» de «&#xa0;%2&#xa0;», avec ses appartenances et son utilisation&#xa0;? Annuler le rétablit avec ses paramètres, mais pas ses appartenances.</translation>
    </message>
    <message>
        <source>Could not remove the environment</source>
        <translation>Impossible de supprimer l’environnement</translation>
    </message>
    <message>
        <source>Nothing to promote</source>
        <translation>Rien à promouvoir</translation>
    </message>
    <message>
        <source>“%1” has fewer than two environments.</source>
        <translation>«&#xa0;%1&#xa0;» a moins de deux environnements.</translation>
    </message>
    <message>
        <source>Promote settings to %1</source>
        <translation>Promouvoir les paramètres vers %1</translation>
    </message>
    <message>
        <source>Move %1</source>
        <translation>Déplacer %1</translation>
    </message>
    <message>
        <source>Move “%1”, with its sub-tenants, under %2?</source>
        <translation>Déplacer «&#xa0;%1&#xa0;», avec ses sous-locataires, sous %2&#xa0;?</translation>
    </message>
    <message>
        <source>Could not move %1</source>
        <translation>Impossible de déplacer %1</translation>
    </message>
    <message>
        <source>the platform (as a top-level tenant)</source>
        <translation>la plateforme (comme locataire de premier niveau)</translation>
    </message>
    <message>
        <source>Could not move the tenant</source>
        <translation>Impossible de déplacer le locataire</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantBackup</name>
    <message>
        <source>The file is not a tenant backup: it is not JSON (%1 at byte %2).</source>
        <translation>Le fichier n’est pas une sauvegarde de locataire&#xa0;: ce n’est pas du JSON (%1 à l’octet %2).</translation>
    </message>
    <message>
        <source>a version number</source>
        <translation>un numéro de version</translation>
    </message>
    <message>
        <source>The backup was written by a newer TenantDesk (format %1; this one reads up to %2). Restore it with that version.</source>
        <translation>La sauvegarde a été écrite par une version plus récente de TenantDesk (format %1&#xa0;; celle-ci lit jusqu’au format %2). Restaurez-la avec cette version.</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>un objet</translation>
    </message>
    <message>
        <source>invited, active or disabled</source>
        <translation>invited, active ou disabled</translation>
    </message>
    <message>
        <source>[environment, metric, time, value]</source>
        <translation>[environnement, métrique, heure, valeur]</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantCreateDialog</name>
    <message>
        <source>New Tenant</source>
        <translation>Nouveau locataire</translation>
    </message>
    <message>
        <source>New Sub-tenant of %1</source>
        <translation>Nouveau sous-locataire de %1</translation>
    </message>
    <message>
        <source>Acme Cloud GmbH</source>
        <translation>Acme Cloud SAS</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>N&amp;om&#xa0;:</translation>
    </message>
    <message>
        <source>acme-cloud</source>
        <translation>acme-cloud</translation>
    </message>
    <message>
        <source>The tenant&apos;s identifier on the platform: lower-case letters, digits and hyphens, dot-separated. It cannot be changed later.</source>
        <translation>L’identifiant du locataire sur la plateforme&#xa0;: lettres minuscules, chiffres et traits d’union, séparés par des points. Il ne peut plus être modifié par la suite.</translation>
    </message>
    <message>
        <source>&amp;Slug:</source>
        <translation>&amp;Identifiant court&#xa0;:</translation>
    </message>
    <message>
        <source>(the platform: a top-level tenant)</source>
        <translation>(la plateforme&#xa0;: un locataire de premier niveau)</translation>
    </message>
    <message>
        <source>&amp;Parent:</source>
        <translation>&amp;Parent&#xa0;:</translation>
    </message>
    <message>
        <source>acme.example.com</source>
        <translation>acme.example.com</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Domaine&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation>&amp;Fuseau horaire&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Environments:</source>
        <translation>&amp;Environnements&#xa0;:</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Créer</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantEditDialog</name>
    <message>
        <source>Edit %1</source>
        <translation>Modifier %1</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>N&amp;om&#xa0;:</translation>
    </message>
    <message>
        <source>example.com</source>
        <translation>example.com</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Domaine&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation>&amp;Fuseau horaire&#xa0;:</translation>
    </message>
    <message>
        <source>en, de, pt-BR</source>
        <translation>en, de, pt-BR</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue&#xa0;:</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantPage</name>
    <message>
        <source>Identity</source>
        <translation>Identité</translation>
    </message>
    <message>
        <source>Slug:</source>
        <translation>Identifiant court&#xa0;:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Statut&#xa0;:</translation>
    </message>
    <message>
        <source>Domain:</source>
        <translation>Domaine&#xa0;:</translation>
    </message>
    <message>
        <source>Timezone:</source>
        <translation>Fuseau horaire&#xa0;:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Langue&#xa0;:</translation>
    </message>
    <message>
        <source>Sub-tenants:</source>
        <translation>Sous-locataires&#xa0;:</translation>
    </message>
    <message>
        <source>Members:</source>
        <translation>Membres&#xa0;:</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Créé le&#xa0;:</translation>
    </message>
    <message>
        <source>Updated:</source>
        <translation>Mis à jour le&#xa0;:</translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation>Quotas</translation>
    </message>
    <message>
        <source>CPU:</source>
        <translation>Processeur&#xa0;:</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>Mémoire&#xa0;:</translation>
    </message>
    <message>
        <source>Storage:</source>
        <translation>Stockage&#xa0;:</translation>
    </message>
    <message>
        <source>User seats:</source>
        <translation>Licences utilisateur&#xa0;:</translation>
    </message>
    <message>
        <source>API rate limit:</source>
        <translation>Limite de débit de l’API&#xa0;:</translation>
    </message>
    <message>
        <source>Policy and settings</source>
        <translation>Stratégie et paramètres</translation>
    </message>
    <message>
        <source>Security policy:</source>
        <translation>Stratégie de sécurité&#xa0;:</translation>
    </message>
    <message>
        <source>Feature flags:</source>
        <translation>Indicateurs de fonctionnalité&#xa0;:</translation>
    </message>
    <message>
        <source>Integration:</source>
        <translation>Intégration&#xa0;:</translation>
    </message>
    <message>
        <source>Environments</source>
        <translation>Environnements</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créé le</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <source>cores</source>
        <translation>cœurs</translation>
    </message>
    <message>
        <source>GB</source>
        <translation>Go</translation>
    </message>
    <message>
        <source>requests/min</source>
        <translation>requêtes/min</translation>
    </message>
    <message>
        <source>passwords of %1+ characters</source>
        <translation>mots de passe d’au moins %1 caractères</translation>
    </message>
    <message>
        <source>%1 character classes</source>
        <translation>%1 classes de caractères</translation>
    </message>
    <message>
        <source>MFA required</source>
        <translation>MFA obligatoire</translation>
    </message>
    <message>
        <source>MFA optional</source>
        <translation>MFA facultative</translation>
    </message>
    <message>
        <source>sessions end after %1 min</source>
        <translation>les sessions expirent après %1 min</translation>
    </message>
    <message numerus="yes">
        <source>%n allowed network(s)</source>
        <translation>
            <numerusform>%n réseau autorisé</numerusform>
            <numerusform>%n réseaux autorisés</numerusform>
        </translation>
    </message>
    <message>
        <source>None set (the platform&apos;s defaults)</source>
        <translation>Aucune définie (valeurs par défaut de la plateforme)</translation>
    </message>
    <message>
        <source>None of its own (inherited)</source>
        <translation>Aucun en propre (hérités)</translation>
    </message>
    <message>
        <source>%1 (%2 of %3 checklist steps done)</source>
        <translation>%1 (%2 étapes sur %3 de la liste de contrôle effectuées)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantSettings</name>
    <message>
        <source>a whole number from %1 to %2 is needed.</source>
        <translation>un nombre entier de %1 à %2 est nécessaire.</translation>
    </message>
    <message>
        <source>a tenant&apos;s name has 1 to 200 characters.</source>
        <translation>le nom d’un locataire compte de 1 à 200 caractères.</translation>
    </message>
    <message>
        <source>“%1” is not a domain name such as example.com.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom de domaine comme example.com.</translation>
    </message>
    <message>
        <source>“%1” is not an IANA time zone such as Europe/Berlin.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un fuseau horaire IANA comme Europe/Paris.</translation>
    </message>
    <message>
        <source>“%1” is not a language tag such as de or en-GB.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une balise de langue comme fr ou en-GB.</translation>
    </message>
    <message>
        <source>“%1” is not a network in CIDR notation such as 10.0.0.0/8 or 2001:db8::/32.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un réseau en notation CIDR comme 10.0.0.0/8 ou 2001:db8::/32.</translation>
    </message>
    <message>
        <source>“%1” has host bits set; the network is %2/%3.</source>
        <translation>«&#xa0;%1&#xa0;» a des bits d’hôte définis&#xa0;; le réseau est %2/%3.</translation>
    </message>
    <message>
        <source>“%1” is not a flag name: lower-case letters, digits and _, starting with a letter, at most 64 characters.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un nom d’indicateur&#xa0;: lettres minuscules, chiffres et _, commençant par une lettre, 64 caractères au maximum.</translation>
    </message>
    <message>
        <source>“%1” is not a setting key: letters, digits, _, . and -, starting with a letter, at most 64 characters.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une clé de paramètre&#xa0;: lettres, chiffres, _, . et -, commençant par une lettre, 64 caractères au maximum.</translation>
    </message>
    <message>
        <source>an environment&apos;s name has 1 to 100 characters, without spaces around it.</source>
        <translation>le nom d’un environnement compte de 1 à 100 caractères, sans espace autour.</translation>
    </message>
    <message>
        <source>a quota is a whole number from 0 to 1000000000, or empty for no limit; %1 is not.</source>
        <translation>un quota est un nombre entier de 0 à 1000000000, ou vide pour aucune limite&#xa0;; %1 ne l’est pas.</translation>
    </message>
    <message>
        <source>requests per minute from 1 to 10000000, or empty for no limit; %1 is not.</source>
        <translation>requêtes par minute de 1 à 10000000, ou vide pour aucune limite&#xa0;; %1 ne convient pas.</translation>
    </message>
    <message>
        <source>true or false is needed.</source>
        <translation>true ou false est nécessaire.</translation>
    </message>
    <message>
        <source>a list of networks in CIDR notation is needed.</source>
        <translation>une liste de réseaux en notation CIDR est nécessaire.</translation>
    </message>
    <message>
        <source>at most 1000 networks.</source>
        <translation>1000 réseaux au maximum.</translation>
    </message>
    <message>
        <source>a network in CIDR notation is needed.</source>
        <translation>un réseau en notation CIDR est nécessaire.</translation>
    </message>
    <message>
        <source>unknown field (known: password_min_length, password_classes, mfa_required, session_timeout_minutes, ip_allow_list).</source>
        <translation>champ inconnu (connus&#xa0;: password_min_length, password_classes, mfa_required, session_timeout_minutes, ip_allow_list).</translation>
    </message>
    <message>
        <source>a flag is true or false.</source>
        <translation>un indicateur vaut true ou false.</translation>
    </message>
    <message>
        <source>an integration setting is text.</source>
        <translation>un paramètre d’intégration est du texte.</translation>
    </message>
    <message>
        <source>at most 4096 characters.</source>
        <translation>4096 caractères au maximum.</translation>
    </message>
    <message>
        <source>an environment setting is text, a number, or true or false.</source>
        <translation>un paramètre d’environnement est du texte, un nombre, ou true ou false.</translation>
    </message>
    <message>
        <source>each kind of environment at most once.</source>
        <translation>chaque type d’environnement au plus une fois.</translation>
    </message>
    <message>
        <source>The change names no field to change.</source>
        <translation>La modification n’indique aucun champ à modifier.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantSettingsDialog</name>
    <message>
        <source>Settings of %1</source>
        <translation>Paramètres de %1</translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation>Quotas</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Sans limite</translation>
    </message>
    <message>
        <source> cores</source>
        <translation> cœurs</translation>
    </message>
    <message>
        <source> GB</source>
        <translation> Go</translation>
    </message>
    <message>
        <source> requests/min</source>
        <translation> requêtes/min</translation>
    </message>
    <message>
        <source>&amp;CPU:</source>
        <translation>&amp;Processeur&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation>&amp;Mémoire&#xa0;:</translation>
    </message>
    <message>
        <source>S&amp;torage:</source>
        <translation>S&amp;tockage&#xa0;:</translation>
    </message>
    <message>
        <source>User s&amp;eats:</source>
        <translation>&amp;Licences utilisateur&#xa0;:</translation>
    </message>
    <message>
        <source>API &amp;rate limit:</source>
        <translation>Limite de &amp;débit de l’API&#xa0;:</translation>
    </message>
    <message>
        <source>Security policy</source>
        <translation>Stratégie de sécurité</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>Non défini</translation>
    </message>
    <message>
        <source> characters</source>
        <translation> caractères</translation>
    </message>
    <message>
        <source>How many of lower case, upper case, digits and symbols a password must use.</source>
        <translation>Combien de types parmi minuscules, majuscules, chiffres et symboles un mot de passe doit utiliser.</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Obligatoire</translation>
    </message>
    <message>
        <source>Not required</source>
        <translation>Facultatif</translation>
    </message>
    <message>
        <source> minutes</source>
        <translation> minutes</translation>
    </message>
    <message>
        <source>One network per line, e.g. 10.0.0.0/8 or 2001:db8::/32; empty: any address</source>
        <translation>Un réseau par ligne, p. ex. 10.0.0.0/8 ou 2001:db8::/32&#xa0;; vide&#xa0;: toute adresse</translation>
    </message>
    <message>
        <source>Minimum &amp;password length:</source>
        <translation>Longueur mi&amp;nimale du mot de passe&#xa0;:</translation>
    </message>
    <message>
        <source>Character &amp;classes:</source>
        <translation>&amp;Classes de caractères&#xa0;:</translation>
    </message>
    <message>
        <source>&amp;Multi-factor sign-in:</source>
        <translation>Connexion multi&amp;facteur&#xa0;:</translation>
    </message>
    <message>
        <source>Session &amp;timeout:</source>
        <translation>Expiration de &amp;session&#xa0;:</translation>
    </message>
    <message>
        <source>IP &amp;allow-list:</source>
        <translation>Liste d’&amp;autorisation IP&#xa0;:</translation>
    </message>
    <message>
        <source>Feature flags</source>
        <translation>Indicateurs de fonctionnalité</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>Indicateur</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valeur</translation>
    </message>
    <message>
        <source>Comes from</source>
        <translation>Provient de</translation>
    </message>
    <message>
        <source>Add &amp;Flag…</source>
        <translation>Ajouter un &amp;indicateur…</translation>
    </message>
    <message>
        <source>Integration settings</source>
        <translation>Paramètres d’intégration</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Clé</translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation>A&amp;jouter</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>Supp&amp;rimer</translation>
    </message>
    <message>
        <source>Value of %1</source>
        <translation>Valeur de %1</translation>
    </message>
    <message>
        <source>Inherit (%1)</source>
        <translation>Hériter (%1)</translation>
    </message>
    <message>
        <source>on</source>
        <translation>activé</translation>
    </message>
    <message>
        <source>off</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Activé</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Désactivé</translation>
    </message>
    <message>
        <source>Inherited from %1</source>
        <translation>Hérité de %1</translation>
    </message>
    <message>
        <source>Set here, overriding %1</source>
        <translation>Défini ici, remplace %1</translation>
    </message>
    <message>
        <source>Set here</source>
        <translation>Défini ici</translation>
    </message>
    <message>
        <source>Add Feature Flag</source>
        <translation>Ajouter un indicateur de fonctionnalité</translation>
    </message>
    <message>
        <source>Flag name (e.g. beta_dashboards):</source>
        <translation>Nom de l’indicateur (p. ex. beta_dashboards)&#xa0;:</translation>
    </message>
    <message>
        <source>Inherit (off)</source>
        <translation>Hériter (désactivé)</translation>
    </message>
    <message>
        <source>Someone else changed “%1” since these settings were read. Close this window, look at their change, and edit again.</source>
        <translation>Quelqu’un d’autre a modifié «&#xa0;%1&#xa0;» depuis la lecture de ces paramètres. Fermez cette fenêtre, examinez sa modification et recommencez.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantTreeModel</name>
    <message>
        <source>Platform</source>
        <translation>Plateforme</translation>
    </message>
    <message>
        <source>%1 (%2)
%3 · %4 sub-tenants · %5 environments</source>
        <translation>%1 (%2)
%3 · %4 sous-locataires · %5 environnements</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Slug</source>
        <translation>Identifiant court</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domaine</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl</name>
    <message>
        <source>--scale takes “small” or a number of tenants from 1 to 10000000, not “%1”.</source>
        <translation>--scale attend «&#xa0;small&#xa0;» ou un nombre de locataires de 1 à 10000000, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>--%1 takes a whole number from 0 to %2, not “%3”.</source>
        <translation>--%1 attend un nombre entier de 0 à %2, et non «&#xa0;%3&#xa0;».</translation>
    </message>
    <message>
        <source>Generated %1 tenants, %2 environments, %3 users, %4 roles, %5 memberships, %6 usage samples, %7 billing lines and %8 audit events in %9 s.
</source>
        <translation>%1 locataires, %2 environnements, %3 utilisateurs, %4 rôles, %5 appartenances, %6 échantillons d’utilisation, %7 lignes de facturation et %8 événements d’audit générés en %9 s.
</translation>
    </message>
    <message>
        <source>SLUG</source>
        <translation>IDENTIFIANT</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>STATUT</translation>
    </message>
    <message>
        <source>SUB-TENANTS</source>
        <translation>SOUS-LOCATAIRES</translation>
    </message>
    <message>
        <source>ENVIRONMENTS</source>
        <translation>ENVIRONNEMENTS</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>illimité</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Slug</source>
        <translation>Identifiant court</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>Parent</translation>
    </message>
    <message>
        <source>(platform)</source>
        <translation>(plateforme)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domaine</translation>
    </message>
    <message>
        <source>Timezone</source>
        <translation>Fuseau horaire</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <source>CPU cores</source>
        <translation>Cœurs processeur</translation>
    </message>
    <message>
        <source>Memory GB</source>
        <translation>Mémoire (Go)</translation>
    </message>
    <message>
        <source>Storage GB</source>
        <translation>Stockage (Go)</translation>
    </message>
    <message>
        <source>User seats</source>
        <translation>Licences utilisateur</translation>
    </message>
    <message>
        <source>API rate limit</source>
        <translation>Limite de débit de l’API</translation>
    </message>
    <message>
        <source>Sub-tenants</source>
        <translation>Sous-locataires</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Membres</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créé le</translation>
    </message>
    <message>
        <source>Environments</source>
        <translation>Environnements</translation>
    </message>
    <message>
        <source>--%1 takes an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not “%2”.</source>
        <translation>--%1 attend une date ou heure ISO 8601, par exemple 2026-03-01 ou 2026-03-01T12:00:00Z, et non «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>--limit takes a whole number from 1 to 1000000, not “%1”.</source>
        <translation>--limit attend un nombre entier de 1 à 1000000, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>AT</source>
        <translation>DATE</translation>
    </message>
    <message>
        <source>TENANT</source>
        <translation>LOCATAIRE</translation>
    </message>
    <message>
        <source>ACTOR</source>
        <translation>ACTEUR</translation>
    </message>
    <message>
        <source>ACTION</source>
        <translation>ACTION</translation>
    </message>
    <message>
        <source>OBJECT</source>
        <translation>OBJET</translation>
    </message>
    <message>
        <source>the platform&apos;s own chain</source>
        <translation>la chaîne propre à la plateforme</translation>
    </message>
    <message>
        <source>tenant %1 (id %2)</source>
        <translation>locataire %1 (identifiant %2)</translation>
    </message>
    <message>
        <source>tenant id %1 (no longer there)</source>
        <translation>identifiant de locataire %1 (n’existe plus)</translation>
    </message>
    <message>
        <source>Verified %1 audit events in %2 chains: every chain is intact.
</source>
        <translation>%1 événements d’audit vérifiés dans %2 chaînes&#xa0;: toutes les chaînes sont intactes.
</translation>
    </message>
    <message>
        <source>The audit trail is broken at event %1 in %2: %3.
</source>
        <translation>Le journal d’audit est rompu à l’événement %1 dans %2&#xa0;: %3.
</translation>
    </message>
    <message>
        <source>(%1 events in %2 chains read.)
</source>
        <translation>(%1 événements lus dans %2 chaînes.)
</translation>
    </message>
    <message>
        <source>the rules file (JSON)</source>
        <translation>le fichier de règles (JSON)</translation>
    </message>
    <message>
        <source>the monthly amount (or none)</source>
        <translation>le montant mensuel (ou none)</translation>
    </message>
    <message>
        <source>the currency (USD, EUR, ...)</source>
        <translation>la devise (USD, EUR…)</translation>
    </message>
    <message>
        <source>the file to import</source>
        <translation>le fichier à importer</translation>
    </message>
    <message>
        <source>the realm export: a file, or a folder from kc.sh export</source>
        <translation>l’export de domaine&#xa0;: un fichier, ou un dossier produit par kc.sh export</translation>
    </message>
    <message>
        <source>the user&apos;s e-mail address</source>
        <translation>l’adresse e-mail de l’utilisateur</translation>
    </message>
    <message>
        <source>the e-mail address of at least one user</source>
        <translation>l’adresse e-mail d’au moins un utilisateur</translation>
    </message>
    <message>
        <source>the role&apos;s name</source>
        <translation>le nom du rôle</translation>
    </message>
    <message>
        <source>the tenant&apos;s slug</source>
        <translation>l’identifiant court du locataire</translation>
    </message>
    <message>
        <source>the environment&apos;s name</source>
        <translation>le nom de l’environnement</translation>
    </message>
    <message>
        <source>the environment&apos;s new name</source>
        <translation>le nouveau nom de l’environnement</translation>
    </message>
    <message>
        <source>the backup file</source>
        <translation>le fichier de sauvegarde</translation>
    </message>
    <message>
        <source>unknown command “%1”; see tenantctl --help.</source>
        <translation>commande inconnue «&#xa0;%1&#xa0;»&#xa0;; voir tenantctl --help.</translation>
    </message>
    <message>
        <source>%1 needs %2 (usage: tenantctl %3).</source>
        <translation>%1 nécessite %2 (utilisation&#xa0;: tenantctl %3).</translation>
    </message>
    <message>
        <source>%1 takes no argument “%2” (usage: tenantctl %3).</source>
        <translation>%1 n’accepte pas l’argument «&#xa0;%2&#xa0;» (utilisation&#xa0;: tenantctl %3).</translation>
    </message>
    <message>
        <source>--%1 does not apply to %2 (usage: tenantctl %3).</source>
        <translation>--%1 ne s’applique pas à %2 (utilisation&#xa0;: tenantctl %3).</translation>
    </message>
    <message>
        <source>Administer TenantDesk tenants, users and roles from the command line.

The database (--database) is a TenantDesk file (PATH or sqlite:PATH) or a PostgreSQL database
(postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE; without a password in the URL, PostgreSQL&apos;s
PGPASSWORD or ~/.pgpass gives it). A new PostgreSQL database is filled as the role that is to own
the tables; see docs/POSTGRESQL.md. Every command takes --json to print JSON.

Exit status: 0 done, 1 the operation failed or was refused (the message names the field),
2 bad usage.

Commands:
</source>
        <translation>Administrer les locataires, utilisateurs et rôles TenantDesk en ligne de commande.

La base de données (--database) est un fichier TenantDesk (CHEMIN ou sqlite:CHEMIN) ou une base PostgreSQL
(postgresql://UTILISATEUR[:MOTDEPASSE]@HÔTE[:PORT]/BASE&#xa0;; sans mot de passe dans l’URL, PGPASSWORD
ou ~/.pgpass de PostgreSQL le fournit). Une nouvelle base PostgreSQL est remplie sous le rôle qui doit
posséder les tables&#xa0;; voir docs/POSTGRESQL.md. Chaque commande accepte --json pour afficher du JSON.

Code de sortie&#xa0;: 0 terminé, 1 l’opération a échoué ou a été refusée (le message nomme le champ),
2 mauvaise utilisation.

Commandes&#xa0;:
</translation>
    </message>
    <message>
        <source>One of the commands above.</source>
        <translation>L’une des commandes ci-dessus.</translation>
    </message>
    <message>
        <source>no command given; see tenantctl --help.</source>
        <translation>aucune commande indiquée&#xa0;; voir tenantctl --help.</translation>
    </message>
    <message>
        <source>--database is required: a database file or a postgresql:// URL.</source>
        <translation>--database est obligatoire&#xa0;: un fichier de base de données ou une URL postgresql://.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>%1 needs --%2 %3.</source>
        <translation>%1 nécessite --%2 %3.</translation>
    </message>
    <message>
        <source>environment: %1 has no environment “%2”; it has %3.</source>
        <translation>environment&#xa0;: %1 n’a pas d’environnement «&#xa0;%2&#xa0;»&#xa0;; il a %3.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Admin</name>
    <message>
        <source>%1 takes KEY=VALUE, not “%2”.</source>
        <translation>%1 attend CLÉ=VALEUR, et non «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>--%1 takes a whole number or none, not “%2”.</source>
        <translation>--%1 attend un nombre entier ou none, et non «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>at the top level</source>
        <translation>au premier niveau</translation>
    </message>
    <message>
        <source>under %1</source>
        <translation>sous %1</translation>
    </message>
    <message>
        <source>%1 takes --parent SLUG or --top-level, not both.</source>
        <translation>%1 accepte --parent SLUG ou --top-level, pas les deux.</translation>
    </message>
    <message>
        <source>%1 needs --parent SLUG or --top-level.</source>
        <translation>%1 nécessite --parent SLUG ou --top-level.</translation>
    </message>
    <message>
        <source>backup: “%1” is a folder; name a file.</source>
        <translation>backup&#xa0;: «&#xa0;%1&#xa0;» est un dossier&#xa0;; indiquez un fichier.</translation>
    </message>
    <message>
        <source>backup: “%1” exists already; name another file, or pass --force to replace it.</source>
        <translation>backup&#xa0;: «&#xa0;%1&#xa0;» existe déjà&#xa0;; indiquez un autre fichier, ou utilisez --force pour le remplacer.</translation>
    </message>
    <message>
        <source>backup: the folder “%1” does not exist or is not writable.</source>
        <translation>backup&#xa0;: le dossier «&#xa0;%1&#xa0;» n’existe pas ou n’est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>backup: could not write “%1”: %2.</source>
        <translation>backup&#xa0;: impossible d’écrire «&#xa0;%1&#xa0;»&#xa0;: %2.</translation>
    </message>
    <message>
        <source>--environments: “%1” is not a kind of environment (production, staging, development, sandbox).</source>
        <translation>--environments&#xa0;: «&#xa0;%1&#xa0;» n’est pas un type d’environnement (production, staging, development, sandbox).</translation>
    </message>
    <message>
        <source>Created %1, id %2, requested, %3, %4.
</source>
        <translation>%1 créé, identifiant %2, demandé, %3, %4.
</translation>
    </message>
    <message>
        <source>without environments</source>
        <translation>sans environnement</translation>
    </message>
    <message>
        <source>with %1</source>
        <translation>avec %1</translation>
    </message>
    <message>
        <source>--flag %1: a flag is on, off or inherit, not “%2”.</source>
        <translation>--flag %1&#xa0;: un indicateur vaut on, off ou inherit, et non «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>tenants update needs at least one change: --name, --domain, --timezone, --language, a quota, --rate-limit, --flag, --policy, --setting or --unset-setting.</source>
        <translation>tenants update nécessite au moins une modification&#xa0;: --name, --domain, --timezone, --language, un quota, --rate-limit, --flag, --policy, --setting ou --unset-setting.</translation>
    </message>
    <message>
        <source>Nothing changed: %1 has these values already.
</source>
        <translation>Rien n’a changé&#xa0;: %1 a déjà ces valeurs.
</translation>
    </message>
    <message>
        <source>Updated %1 to version %2:
</source>
        <translation>%1 mis à jour en version %2&#xa0;:
</translation>
    </message>
    <message>
        <source>%1 is %2 already.
</source>
        <translation>%1 est déjà %2.
</translation>
    </message>
    <message>
        <source>Moved %1 %2.
</source>
        <translation>%1 déplacé %2.
</translation>
    </message>
    <message>
        <source>status: %1 is %2; use tenants %3 for it.</source>
        <translation>status&#xa0;: %1 est %2&#xa0;; utilisez tenants %3 pour cela.</translation>
    </message>
    <message>
        <source>%1 is %2 (it was %3).
</source>
        <translation>%1 est %2 (il était %3).
</translation>
    </message>
    <message>
        <source>%1 is archived: its decommissioning is complete.</source>
        <translation>%1 est archivé&#xa0;: sa mise hors service est terminée.</translation>
    </message>
    <message>
        <source>confirm_slug: --confirm “%1” is not the tenant&apos;s slug; type “%2” to delete its data.</source>
        <translation>confirm_slug&#xa0;: --confirm «&#xa0;%1&#xa0;» n’est pas l’identifiant court du locataire&#xa0;; saisissez «&#xa0;%2&#xa0;» pour supprimer ses données.</translation>
    </message>
    <message>
        <source>%1 is decommissioning.</source>
        <translation>%1 est en cours de mise hors service.</translation>
    </message>
    <message>
        <source>%1 (SHA-256 %2)</source>
        <translation>%1 (SHA-256 %2)</translation>
    </message>
    <message>
        <source>Done: %1: %2.</source>
        <translation>Fait&#xa0;: %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Done before: %1: %2.</source>
        <translation>Déjà fait&#xa0;: %1&#xa0;: %2.</translation>
    </message>
    <message>
        <source>Done before: %1.</source>
        <translation>Déjà fait&#xa0;: %1.</translation>
    </message>
    <message>
        <source>Done: %1.</source>
        <translation>Fait&#xa0;: %1.</translation>
    </message>
    <message>
        <source>archive it</source>
        <translation>l’archiver</translation>
    </message>
    <message>
        <source>Stopped before deleting the data of %1 (--confirm was not given). Still to do: %2.
</source>
        <translation>Arrêté avant la suppression des données de %1 (--confirm n’a pas été indiqué). Reste à faire&#xa0;: %2.
</translation>
    </message>
    <message>
        <source>To continue: tenantctl --database %1 tenants decommission %2 --confirm %2
</source>
        <translation>Pour continuer&#xa0;: tenantctl --database %1 tenants decommission %2 --confirm %2
</translation>
    </message>
    <message>
        <source>%1 is archived.</source>
        <translation>%1 est archivé.</translation>
    </message>
    <message>
        <source>file: could not read the backup “%1”: %2.</source>
        <translation>file&#xa0;: impossible de lire la sauvegarde «&#xa0;%1&#xa0;»&#xa0;: %2.</translation>
    </message>
    <message>
        <source>parent: %1 is archived here, and the backup is restored in its place, where it is; restore it without --parent or --top-level, then use tenants move.</source>
        <translation>parent&#xa0;: %1 est archivé ici, et la sauvegarde est restaurée à sa place, là où il se trouve&#xa0;; restaurez-la sans --parent ni --top-level, puis utilisez tenants move.</translation>
    </message>
    <message>
        <source>Restored %1 from %2 (SHA-256 %3), %4.
</source>
        <translation>%1 restauré depuis %2 (SHA-256 %3), %4.
</translation>
    </message>
    <message>
        <source>in place of the archived tenant</source>
        <translation>à la place du locataire archivé</translation>
    </message>
    <message>
        <source>as a new tenant %1</source>
        <translation>comme nouveau locataire %1</translation>
    </message>
    <message>
        <source>It is suspended; to resume it: tenantctl --database %1 tenants resume %2
</source>
        <translation>Il est suspendu&#xa0;; pour le reprendre&#xa0;: tenantctl --database %1 tenants resume %2
</translation>
    </message>
    <message>
        <source>Deleted %1, id %2.
</source>
        <translation>%1 supprimé, identifiant %2.
</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>KIND</source>
        <translation>TYPE</translation>
    </message>
    <message>
        <source>VERSION</source>
        <translation>VERSION</translation>
    </message>
    <message>
        <source>SETTINGS</source>
        <translation>PARAMÈTRES</translation>
    </message>
    <message>
        <source>--kind: “%1” is not a kind of environment (production, staging, development, sandbox).</source>
        <translation>--kind&#xa0;: «&#xa0;%1&#xa0;» n’est pas un type d’environnement (production, staging, development, sandbox).</translation>
    </message>
    <message>
        <source>Added the %1 environment “%2” to %3%4.
</source>
        <translation>Environnement %1 «&#xa0;%2&#xa0;» ajouté à %3%4.
</translation>
    </message>
    <message>
        <source>Renamed the environment “%1” of %2 to “%3”.
</source>
        <translation>Environnement «&#xa0;%1&#xa0;» de %2 renommé en «&#xa0;%3&#xa0;».
</translation>
    </message>
    <message>
        <source>environments set needs KEY=VALUE or --unset KEY.</source>
        <translation>environments set nécessite CLÉ=VALEUR ou --unset CLÉ.</translation>
    </message>
    <message>
        <source>environments set</source>
        <translation>environments set</translation>
    </message>
    <message>
        <source>Nothing changed: the environment “%1” of %2 has these settings already.
</source>
        <translation>Rien n’a changé&#xa0;: l’environnement «&#xa0;%1&#xa0;» de %2 a déjà ces paramètres.
</translation>
    </message>
    <message>
        <source>Changed the settings of the environment “%1” of %2:
</source>
        <translation>Paramètres de l’environnement «&#xa0;%1&#xa0;» de %2 modifiés&#xa0;:
</translation>
    </message>
    <message>
        <source>confirm_name: --confirm “%1” is not the environment&apos;s name; type “%2” to remove it.</source>
        <translation>confirm_name&#xa0;: --confirm «&#xa0;%1&#xa0;» n’est pas le nom de l’environnement&#xa0;; saisissez «&#xa0;%2&#xa0;» pour le supprimer.</translation>
    </message>
    <message>
        <source>Removed the environment “%1” from %2, with the memberships held on it.
</source>
        <translation>Environnement «&#xa0;%1&#xa0;» supprimé de %2, avec les appartenances qui y étaient détenues.
</translation>
    </message>
    <message>
        <source>environments promote needs --keys KEY,KEY... or --all.</source>
        <translation>environments promote nécessite --keys CLÉ,CLÉ... ou --all.</translation>
    </message>
    <message>
        <source>--keys names no setting; give KEY,KEY... or --all.</source>
        <translation>--keys ne désigne aucun paramètre&#xa0;; indiquez CLÉ,CLÉ... ou --all.</translation>
    </message>
    <message>
        <source>to: an environment is promoted to another one, not to itself.</source>
        <translation>to&#xa0;: un environnement est promu vers un autre, pas vers lui-même.</translation>
    </message>
    <message>
        <source>keys: neither “%1” nor “%2” has a setting “%3”.</source>
        <translation>keys&#xa0;: ni «&#xa0;%1&#xa0;» ni «&#xa0;%2&#xa0;» n’a de paramètre «&#xa0;%3&#xa0;».</translation>
    </message>
    <message>
        <source>FROM %1</source>
        <translation>DEPUIS %1</translation>
    </message>
    <message>
        <source>KEY</source>
        <translation>CLÉ</translation>
    </message>
    <message>
        <source>TO %1</source>
        <translation>VERS %1</translation>
    </message>
    <message numerus="yes">
        <source>Dry run: %n setting(s) would change in “%1”; nothing was changed.
</source>
        <translation>
            <numerusform>Simulation&#xa0;: %n paramètre changerait dans «&#xa0;%1&#xa0;»&#xa0;; rien n’a été modifié.
</numerusform>
            <numerusform>Simulation&#xa0;: %n paramètres changeraient dans «&#xa0;%1&#xa0;»&#xa0;; rien n’a été modifié.
</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to promote: “%1” has the settings of “%2” already.
</source>
        <translation>Rien à promouvoir&#xa0;: «&#xa0;%1&#xa0;» a déjà les paramètres de «&#xa0;%2&#xa0;».
</translation>
    </message>
    <message numerus="yes">
        <source>Promoted %n setting(s) from “%1” to “%2”:
</source>
        <translation>
            <numerusform>%n paramètre promu de «&#xa0;%1&#xa0;» vers «&#xa0;%2&#xa0;»&#xa0;:
</numerusform>
            <numerusform>%n paramètres promus de «&#xa0;%1&#xa0;» vers «&#xa0;%2&#xa0;»&#xa0;:
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Billing</name>
    <message>
        <source>Import %1: %2 (%3), %4 lines, %5 unallocated, billed %6 %7
</source>
        <translation>Import %1&#xa0;: %2 (%3), %4 lignes, %5 non attribuées, facturé %6 %7
</translation>
    </message>
    <message>
        <source>  imported %1 by %2; charges from %3 to %4; SHA-256 %5
</source>
        <translation>  importé le %1 par %2&#xa0;; frais du %3 au %4&#xa0;; SHA-256 %5
</translation>
    </message>
    <message>
        <source>There is no file “%1”.</source>
        <translation>Il n’existe aucun fichier «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>--format takes focus, aws-cur, aws-cur2, azure-ea, azure-mca or auto, not “%1”.</source>
        <translation>--format attend focus, aws-cur, aws-cur2, azure-ea, azure-mca ou auto, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>--on-duplicate takes refuse, skip or replace, not “%1”.</source>
        <translation>--on-duplicate attend refuse, skip ou replace, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Skipped %1: the same file was imported before.
</source>
        <translation>%1 ignoré&#xa0;: le même fichier a déjà été importé.
</translation>
    </message>
    <message>
        <source>  %1 lines attributed to tenants or shared, %2 unallocated, in %3 s
</source>
        <translation>  %1 lignes attribuées à des locataires ou partagées, %2 non attribuées, en %3 s
</translation>
    </message>
    <message>
        <source>  replaced import %1
</source>
        <translation>  import %1 remplacé
</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Remarque&#xa0;:</translation>
    </message>
    <message>
        <source>No billing file was imported yet.
</source>
        <translation>Aucun fichier de facturation n’a encore été importé.
</translation>
    </message>
    <message>
        <source>billing delete-import takes an import&apos;s id (a whole number, see billing imports), not “%1”.</source>
        <translation>billing delete-import attend l’identifiant d’un import (un nombre entier, voir billing imports), et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Deleted import %1 (%2): %3 lines and their roll-ups.
</source>
        <translation>Import %1 supprimé (%2)&#xa0;: %3 lignes et leurs agrégats.
</translation>
    </message>
    <message>
        <source>--%1 takes a day such as 2024-09-30 or an ISO 8601 time, not “%2”.</source>
        <translation>--%1 attend un jour tel que 2024-09-30 ou une heure ISO 8601, et non «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>A total is not a decimal number: “%1”.</source>
        <translation>Un total n’est pas un nombre décimal&#xa0;: «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>billing summary prints either --json or --csv, not both.</source>
        <translation>billing summary affiche soit --json soit --csv, pas les deux.</translation>
    </message>
    <message>
        <source>--by takes tenant, service and month, comma-separated, not “%1”.</source>
        <translation>--by attend tenant, service et month, séparés par des virgules, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>--by names each of tenant, service and month at most once.</source>
        <translation>--by nomme chacun de tenant, service et month au plus une fois.</translation>
    </message>
    <message>
        <source>(unallocated)</source>
        <translation>(non attribué)</translation>
    </message>
    <message>
        <source>tenant</source>
        <translation>tenant</translation>
    </message>
    <message>
        <source>service</source>
        <translation>service</translation>
    </message>
    <message>
        <source>month</source>
        <translation>month</translation>
    </message>
    <message>
        <source>currency</source>
        <translation>currency</translation>
    </message>
    <message>
        <source>billed_cost</source>
        <translation>billed_cost</translation>
    </message>
    <message>
        <source>effective_cost</source>
        <translation>effective_cost</translation>
    </message>
    <message>
        <source>list_cost</source>
        <translation>list_cost</translation>
    </message>
    <message>
        <source>shared_billed_cost</source>
        <translation>shared_billed_cost</translation>
    </message>
    <message>
        <source>lines</source>
        <translation>lines</translation>
    </message>
    <message>
        <source>No billing cost in this range.
</source>
        <translation>Aucun coût facturé sur cette plage.
</translation>
    </message>
    <message numerus="yes">
        <source>Total %1: billed %2, effective %3, list %4 (%n line(s)).
</source>
        <translation>
            <numerusform>Total %1&#xa0;: facturé %2, effectif %3, catalogue %4 (%n ligne).
</numerusform>
            <numerusform>Total %1&#xa0;: facturé %2, effectif %3, catalogue %4 (%n lignes).
</numerusform>
        </translation>
    </message>
    <message>
        <source>tenant %1 (not found)</source>
        <translation>locataire %1 (introuvable)</translation>
    </message>
    <message>
        <source>Attribution rules, version %1
</source>
        <translation>Règles d’attribution, version %1
</translation>
    </message>
    <message>
        <source>Tenant tag keys: %1
</source>
        <translation>Clés d’étiquette de locataire&#xa0;: %1
</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Mappings: (none)
</source>
        <translation>Correspondances&#xa0;: (aucune)
</translation>
    </message>
    <message>
        <source>Mapping: tag %1 = %2 → %3
</source>
        <translation>Correspondance&#xa0;: étiquette %1 = %2 → %3
</translation>
    </message>
    <message>
        <source>Mapping: sub-account %1 → %2
</source>
        <translation>Correspondance&#xa0;: sous-compte %1 → %2
</translation>
    </message>
    <message>
        <source>Shared cost: (none)
</source>
        <translation>Coûts partagés&#xa0;: (aucun)
</translation>
    </message>
    <message>
        <source>service %1</source>
        <translation>service %1</translation>
    </message>
    <message>
        <source>sub-account %1</source>
        <translation>sous-compte %1</translation>
    </message>
    <message>
        <source>evenly</source>
        <translation>à parts égales</translation>
    </message>
    <message>
        <source>in proportion to direct cost</source>
        <translation>au prorata du coût direct</translation>
    </message>
    <message>
        <source>Shared cost: %1, spread %2 over %3
</source>
        <translation>Coût partagé&#xa0;: %1, réparti %2 sur %3
</translation>
    </message>
    <message>
        <source>every tenant with direct cost that month</source>
        <translation>tous les locataires ayant un coût direct ce mois-là</translation>
    </message>
    <message>
        <source>Cannot read “%1”: %2</source>
        <translation>Impossible de lire «&#xa0;%1&#xa0;»&#xa0;: %2</translation>
    </message>
    <message>
        <source>“%1” is not a JSON object: %2 at character %3.</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas un objet JSON&#xa0;: %2 au caractère %3.</translation>
    </message>
    <message>
        <source>Attribution rules version %1 applied: %2 lines attributed to tenants, %3 unallocated, %4 shared.
</source>
        <translation>Règles d’attribution version %1 appliquées&#xa0;: %2 lignes attribuées à des locataires, %3 non attribuées, %4 partagées.
</translation>
    </message>
    <message>
        <source>%1 has no monthly budget in %2 now.
</source>
        <translation>%1 n’a désormais plus de budget mensuel en %2.
</translation>
    </message>
    <message>
        <source>%1: a monthly budget of %2 %3.
</source>
        <translation>%1&#xa0;: un budget mensuel de %2 %3.
</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Import</name>
    <message>
        <source>file: could not read “%1”: %2.</source>
        <translation>file&#xa0;: impossible de lire «&#xa0;%1&#xa0;»&#xa0;: %2.</translation>
    </message>
    <message>
        <source>it is a folder</source>
        <translation>c’est un dossier</translation>
    </message>
    <message>
        <source>%1 user(s) created, %2 existing user(s) given memberships, %3 role(s) created, %4 membership(s) created</source>
        <translation>%1 utilisateur(s) créé(s), %2 utilisateur(s) existant(s) ayant reçu des appartenances, %3 rôle(s) créé(s), %4 appartenance(s) créée(s)</translation>
    </message>
    <message>
        <source> (tenant %1%2)</source>
        <translation> (locataire %1%2)</translation>
    </message>
    <message>
        <source>, new</source>
        <translation>, nouveau</translation>
    </message>
    <message>
        <source>Checked %1%2: nothing wrong; it would make %3. Nothing was written (--dry-run).
</source>
        <translation>%1%2 vérifié&#xa0;: aucun problème&#xa0;; l’import donnerait %3. Rien n’a été écrit (--dry-run).
</translation>
    </message>
    <message>
        <source>Imported %1%2: %3.
</source>
        <translation>%1%2 importé&#xa0;: %3.
</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>remarque&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>the import was refused with %n problem(s); nothing was written:</source>
        <translation>
            <numerusform>l’import a été refusé avec %n problème&#xa0;; rien n’a été écrit&#xa0;:</numerusform>
            <numerusform>l’import a été refusé avec %n problèmes&#xa0;; rien n’a été écrit&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <source>file: there is no file or folder “%1”.</source>
        <translation>file&#xa0;: il n’existe aucun fichier ni dossier «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>file: “%1” holds no Keycloak realm.</source>
        <translation>file&#xa0;: «&#xa0;%1&#xa0;» ne contient aucun domaine Keycloak.</translation>
    </message>
    <message>
        <source>output: could not write to standard output.</source>
        <translation>output&#xa0;: impossible d’écrire sur la sortie standard.</translation>
    </message>
    <message>
        <source>output: could not write “%1”: %2.</source>
        <translation>output&#xa0;: impossible d’écrire «&#xa0;%1&#xa0;»&#xa0;: %2.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n user(s) to %1.
</source>
        <translation>
            <numerusform>%n utilisateur exporté vers %1.
</numerusform>
            <numerusform>%n utilisateurs exportés vers %1.
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Report</name>
    <message>
        <source>--%1 takes an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not “%2”.</source>
        <translation>--%1 attend une date ou heure ISO 8601, par exemple 2026-03-01 ou 2026-03-01T12:00:00Z, et non «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>billing report needs --pdf FILE, --xlsx FILE or --output FILE.csv (or several).</source>
        <translation>billing report nécessite --pdf FICHIER, --xlsx FICHIER ou --output FICHIER.csv (ou plusieurs).</translation>
    </message>
    <message>
        <source>Billing report</source>
        <translation>Rapport de facturation</translation>
    </message>
    <message>
        <source>All tenants</source>
        <translation>Tous les locataires</translation>
    </message>
    <message>
        <source>%1, %2 to %3</source>
        <translation>%1, du %2 au %3</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>%1 écrit</translation>
    </message>
    <message>
        <source>No billing data matches: the report has no rows.</source>
        <translation>Aucune donnée de facturation ne correspond&#xa0;: le rapport n’a aucune ligne.</translation>
    </message>
    <message>
        <source>Cannot write %1: the folder %2 is missing or not writable.</source>
        <translation>Impossible d’écrire %1 : le dossier %2 est absent ou n’est pas accessible en écriture.</translation>
    </message>
    <message>
        <source>--branding-dir: “%1” is not a folder.</source>
        <translation>--branding-dir : « %1 » n’est pas un dossier.</translation>
    </message>
    <message>
        <source>Cannot write %1: it is a folder; name a file in it.</source>
        <translation>Impossible d’écrire %1 : c’est un dossier ; nommez un fichier à l’intérieur.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Users</name>
    <message>
        <source>email: there is no user with the e-mail address “%1”.</source>
        <translation>email&#xa0;: aucun utilisateur n’a l’adresse e-mail «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>%1: there is no role “%2” %3; there are %4.</source>
        <translation>%1&#xa0;: il n’existe aucun rôle «&#xa0;%2&#xa0;» %3&#xa0;; il existe %4.</translation>
    </message>
    <message>
        <source>outside a tenant (a tenant&apos;s custom roles need --tenant SLUG)</source>
        <translation>hors d’un locataire (les rôles personnalisés d’un locataire nécessitent --tenant SLUG)</translation>
    </message>
    <message>
        <source>on %1</source>
        <translation>sur %1</translation>
    </message>
    <message>
        <source>--environment needs --tenant SLUG: an environment belongs to a tenant.</source>
        <translation>--environment nécessite --tenant SLUG&#xa0;: un environnement appartient à un locataire.</translation>
    </message>
    <message>
        <source>--status takes %1, not “%2”.</source>
        <translation>--status attend %1, et non «&#xa0;%2&#xa0;».</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>platform: %1</source>
        <translation>plateforme&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 on %2 (inherited)</source>
        <translation>%1 sur %2 (hérité)</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>role: “%1” is a role of %2, which %3 inherits; change it with --tenant %4.</source>
        <translation>role&#xa0;: «&#xa0;%1&#xa0;» est un rôle de %2, dont hérite %3&#xa0;; modifiez-le avec --tenant %4.</translation>
    </message>
    <message>
        <source>E-MAIL</source>
        <translation>ADRESSE E-MAIL</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NOM</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>STATUT</translation>
    </message>
    <message>
        <source>LAST SIGN-IN</source>
        <translation>DERNIÈRE CONNEXION</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>CRÉÉ LE</translation>
    </message>
    <message>
        <source>--sort takes name, email, status, last-sign-in or created, not “%1”.</source>
        <translation>--sort attend name, email, status, last-sign-in ou created, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>users list takes --limit N or --all, not both.</source>
        <translation>users list accepte --limit N ou --all, pas les deux.</translation>
    </message>
    <message>
        <source>--limit takes a whole number from 1 to 100000000, not “%1”.</source>
        <translation>--limit attend un nombre entier de 1 à 100000000, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>(the first %1 users; more match: --limit N or --all for more)
</source>
        <translation>(les %1 premiers utilisateurs&#xa0;; d’autres correspondent&#xa0;: --limit N ou --all pour les voir)
</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Adresse e-mail</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créé le</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>Dernière connexion</translation>
    </message>
    <message>
        <source>Platform roles</source>
        <translation>Rôles de plateforme</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>%1 (a platform principal)</source>
        <translation>%1 (un principal de plateforme)</translation>
    </message>
    <message>
        <source>Memberships</source>
        <translation>Appartenances</translation>
    </message>
    <message>
        <source>Memberships:</source>
        <translation>Appartenances&#xa0;:</translation>
    </message>
    <message numerus="yes">
        <source>also applies to %n sub-tenant(s)</source>
        <translation>
            <numerusform>s’applique aussi à %n sous-locataire</numerusform>
            <numerusform>s’applique aussi à %n sous-locataires</numerusform>
        </translation>
    </message>
    <message>
        <source>users create takes --tenant SLUG and --role NAME together, for the user&apos;s first membership.</source>
        <translation>users create accepte --tenant SLUG et --role NOM ensemble, pour la première appartenance de l’utilisateur.</translation>
    </message>
    <message>
        <source>Created %1, id %2, %3</source>
        <translation>%1 créé, identifiant %2, %3</translation>
    </message>
    <message>
        <source>, with “%1” on %2</source>
        <translation>, avec «&#xa0;%1&#xa0;» sur %2</translation>
    </message>
    <message>
        <source>users update needs --name NAME, --email NEW or --status STATUS.</source>
        <translation>users update nécessite --name NOM, --email NOUVELLE ou --status STATUT.</translation>
    </message>
    <message>
        <source>name: “%1” → “%2”</source>
        <translation>nom&#xa0;: «&#xa0;%1&#xa0;» → «&#xa0;%2&#xa0;»</translation>
    </message>
    <message>
        <source>e-mail: %1 → %2</source>
        <translation>adresse e-mail&#xa0;: %1 → %2</translation>
    </message>
    <message>
        <source>status: %1 → %2</source>
        <translation>statut&#xa0;: %1 → %2</translation>
    </message>
    <message>
        <source>Nothing changed: %1 is so already.
</source>
        <translation>Rien n’a changé&#xa0;: %1 est déjà ainsi.
</translation>
    </message>
    <message>
        <source>Changed %1:
</source>
        <translation>%1 modifié&#xa0;:
</translation>
    </message>
    <message numerus="yes">
        <source>Disabled %n user(s): %1.
</source>
        <translation>
            <numerusform>%n utilisateur désactivé&#xa0;: %1.
</numerusform>
            <numerusform>%n utilisateurs désactivés&#xa0;: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enabled %n user(s): %1.
</source>
        <translation>
            <numerusform>%n utilisateur activé&#xa0;: %1.
</numerusform>
            <numerusform>%n utilisateurs activés&#xa0;: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) disabled already: %1.
</source>
        <translation>
            <numerusform>%n utilisateur déjà désactivé&#xa0;: %1.
</numerusform>
            <numerusform>%n utilisateurs déjà désactivés&#xa0;: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) active already: %1.
</source>
        <translation>
            <numerusform>%n utilisateur déjà actif&#xa0;: %1.
</numerusform>
            <numerusform>%n utilisateurs déjà actifs&#xa0;: %1.
</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 needs --tenant SLUG: the tenant the role is held on.</source>
        <translation>%1 nécessite --tenant SLUG&#xa0;: le locataire sur lequel le rôle est détenu.</translation>
    </message>
    <message numerus="yes">
        <source>Granted “%1” on %2 to %n user(s): %3.
</source>
        <translation>
            <numerusform>«&#xa0;%1&#xa0;» sur %2 attribué à %n utilisateur&#xa0;: %3.
</numerusform>
            <numerusform>«&#xa0;%1&#xa0;» sur %2 attribué à %n utilisateurs&#xa0;: %3.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Took “%1” on %2 away from %n user(s): %3.
</source>
        <translation>
            <numerusform>«&#xa0;%1&#xa0;» sur %2 retiré à %n utilisateur&#xa0;: %3.
</numerusform>
            <numerusform>«&#xa0;%1&#xa0;» sur %2 retiré à %n utilisateurs&#xa0;: %3.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) held it already: %1.
</source>
        <translation>
            <numerusform>%n utilisateur le détenait déjà&#xa0;: %1.
</numerusform>
            <numerusform>%n utilisateurs le détenaient déjà&#xa0;: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) did not hold it there: %1.
</source>
        <translation>
            <numerusform>%n utilisateur ne le détenait pas à cet endroit&#xa0;: %1.
</numerusform>
            <numerusform>%n utilisateurs ne le détenaient pas à cet endroit&#xa0;: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved the memberships of %n user(s) from %1 to %2, roles kept: %3.
</source>
        <translation>
            <numerusform>Appartenances de %n utilisateur déplacées de %1 vers %2, rôles conservés&#xa0;: %3.
</numerusform>
            <numerusform>Appartenances de %n utilisateurs déplacées de %1 vers %2, rôles conservés&#xa0;: %3.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) had no membership on %1: %2.
</source>
        <translation>
            <numerusform>%n utilisateur n’avait aucune appartenance sur %1&#xa0;: %2.
</numerusform>
            <numerusform>%n utilisateurs n’avaient aucune appartenance sur %1&#xa0;: %2.
</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 holds no permission on %2.
</source>
        <translation>%1 ne détient aucune autorisation sur %2.
</translation>
    </message>
    <message>
        <source>Permissions of %1 on %2, and what grants each:
</source>
        <translation>Autorisations de %1 sur %2, et ce qui accorde chacune&#xa0;:
</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>intégré</translation>
    </message>
    <message>
        <source>platform</source>
        <translation>plateforme</translation>
    </message>
    <message>
        <source>SCOPE</source>
        <translation>PORTÉE</translation>
    </message>
    <message>
        <source>OWNER</source>
        <translation>PROPRIÉTAIRE</translation>
    </message>
    <message>
        <source>PERMISSIONS</source>
        <translation>AUTORISATIONS</translation>
    </message>
    <message>
        <source>includes %1</source>
        <translation>inclut %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>--scope takes tenant or environment, not “%1”.</source>
        <translation>--scope attend tenant ou environment, et non «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>Created the %1 role “%2” of %3, id %4: %5</source>
        <translation>Rôle %1 «&#xa0;%2&#xa0;» de %3 créé, identifiant %4&#xa0;: %5</translation>
    </message>
    <message>
        <source>no permissions of its own</source>
        <translation>aucune autorisation propre</translation>
    </message>
    <message>
        <source>; includes %1</source>
        <translation>&#xa0;; inclut %1</translation>
    </message>
    <message>
        <source>roles update needs --name, --description, --permission or --include.</source>
        <translation>roles update nécessite --name, --description, --permission ou --include.</translation>
    </message>
    <message>
        <source>description: “%1” → “%2”</source>
        <translation>description&#xa0;: «&#xa0;%1&#xa0;» → «&#xa0;%2&#xa0;»</translation>
    </message>
    <message>
        <source>permissions: %1 → %2</source>
        <translation>autorisations&#xa0;: %1 → %2</translation>
    </message>
    <message>
        <source>includes: %1 → %2</source>
        <translation>inclut&#xa0;: %1 → %2</translation>
    </message>
    <message>
        <source>Nothing changed: the role “%1” of %2 is so already.
</source>
        <translation>Rien n’a changé&#xa0;: le rôle «&#xa0;%1&#xa0;» de %2 est déjà ainsi.
</translation>
    </message>
    <message>
        <source>Changed the role “%1” of %2:
</source>
        <translation>Rôle «&#xa0;%1&#xa0;» de %2 modifié&#xa0;:
</translation>
    </message>
    <message>
        <source>confirm: --confirm “%1” is not the role&apos;s name; type “%2” to delete it.</source>
        <translation>confirm&#xa0;: --confirm «&#xa0;%1&#xa0;» n’est pas le nom du rôle&#xa0;; saisissez «&#xa0;%2&#xa0;» pour le supprimer.</translation>
    </message>
    <message>
        <source>Deleted the role “%1” of %2.
</source>
        <translation>Rôle «&#xa0;%1&#xa0;» de %2 supprimé.
</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsageComparisonModel</name>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>Whole range</source>
        <translation>Toute la plage</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsagePage</name>
    <message>
        <source>%1 cores</source>
        <translation>%1 cœurs</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 Go</translation>
    </message>
    <message>
        <source>%1 seats</source>
        <translation>%1 licences</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Utilisation</translation>
    </message>
    <message>
        <source>&amp;Metric:</source>
        <translation>&amp;Métrique&#xa0;:</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Métrique</translation>
    </message>
    <message>
        <source>&amp;Day</source>
        <translation>&amp;Jour</translation>
    </message>
    <message>
        <source>&amp;Week</source>
        <translation>&amp;Semaine</translation>
    </message>
    <message>
        <source>Mo&amp;nth</source>
        <translation>M&amp;ois</translation>
    </message>
    <message>
        <source>&amp;Quarter</source>
        <translation>&amp;Trimestre</translation>
    </message>
    <message>
        <source>&amp;Top:</source>
        <translation>&amp;Premiers&#xa0;:</translation>
    </message>
    <message>
        <source>Number of tenants compared</source>
        <translation>Nombre de locataires comparés</translation>
    </message>
    <message>
        <source>&amp;Reset Zoom</source>
        <translation>&amp;Réinitialiser le zoom</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>Réinitialiser le zoom</translation>
    </message>
    <message>
        <source>Show the whole range again (0). On the chart: drag to zoom in, Shift+drag or the arrow keys to pan</source>
        <translation>Afficher de nouveau toute la plage (0). Sur le graphique&#xa0;: faites glisser pour zoomer, Maj+glisser ou les touches fléchées pour vous déplacer</translation>
    </message>
    <message>
        <source>Show &amp;Table</source>
        <translation>Afficher le t&amp;ableau</translation>
    </message>
    <message>
        <source>Show table</source>
        <translation>Afficher le tableau</translation>
    </message>
    <message>
        <source>The values behind the chart, one row per hour (Ctrl+T)</source>
        <translation>Les valeurs du graphique, une ligne par heure (Ctrl+T)</translation>
    </message>
    <message>
        <source>Show &amp;All</source>
        <translation>Afficher to&amp;ut</translation>
    </message>
    <message>
        <source>Show all metrics</source>
        <translation>Afficher toutes les métriques</translation>
    </message>
    <message>
        <source>Every metric at once, as small charts over the same range</source>
        <translation>Toutes les métriques à la fois, en petits graphiques sur la même plage</translation>
    </message>
    <message>
        <source>&amp;Export Chart…</source>
        <translation>E&amp;xporter le graphique…</translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation>Exporter le graphique</translation>
    </message>
    <message>
        <source>Save the chart as PNG, SVG or PDF</source>
        <translation>Enregistrer le graphique en PNG, SVG ou PDF</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Synthèse</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>Chargement</translation>
    </message>
    <message>
        <source>Usage error</source>
        <translation>Erreur d’utilisation</translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation>Réessa&amp;yer</translation>
    </message>
    <message>
        <source>Retry reading the usage</source>
        <translation>Relire l’utilisation</translation>
    </message>
    <message>
        <source>Usage chart</source>
        <translation>Graphique d’utilisation</translation>
    </message>
    <message>
        <source>Drag to zoom in, Shift+drag or arrow keys to pan, 0 to reset</source>
        <translation>Faites glisser pour zoomer, Maj+glisser ou touches fléchées pour vous déplacer, 0 pour réinitialiser</translation>
    </message>
    <message>
        <source>Usage table</source>
        <translation>Tableau d’utilisation</translation>
    </message>
    <message>
        <source>Every metric</source>
        <translation>Toutes les métriques</translation>
    </message>
    <message>
        <source>Could not read the usage: %1</source>
        <translation>Impossible de lire l’utilisation&#xa0;: %1</translation>
    </message>
    <message>
        <source>%1 — peak %2 % of quota</source>
        <translation>%1 — pic à %2 % du quota</translation>
    </message>
    <message>
        <source>Usage of %1</source>
        <translation>Utilisation de %1</translation>
    </message>
    <message>
        <source>Usage of %1 of %2</source>
        <translation>Utilisation de %1 de %2</translation>
    </message>
    <message>
        <source>Usage across the platform</source>
        <translation>Utilisation sur l’ensemble de la plateforme</translation>
    </message>
    <message>
        <source>Local time</source>
        <translation>Heure locale</translation>
    </message>
    <message>
        <source>Quota: %1</source>
        <translation>Quota&#xa0;: %1</translation>
    </message>
    <message>
        <source>Top %1 tenants by %2, month by month (stacked)</source>
        <translation>Les %1 premiers locataires par %2, mois par mois (empilés)</translation>
    </message>
    <message>
        <source>Top %1 tenants by %2 (monthly means)</source>
        <translation>Les %1 premiers locataires par %2 (moyennes mensuelles)</translation>
    </message>
    <message>
        <source>%1, %2: %3 %4</source>
        <translation>%1, %2&#xa0;: %3 %4</translation>
    </message>
    <message>
        <source>No tenant has %1 between %2 and %3 UTC.</source>
        <translation>Aucun locataire n’a de %1 entre %2 et %3 UTC.</translation>
    </message>
    <message>
        <source>%1 to %2 (UTC); the largest first.</source>
        <translation>De %1 à %2 (UTC)&#xa0;; les plus grands en premier.</translation>
    </message>
    <message>
        <source>%1 to %2 UTC</source>
        <translation>De %1 à %2 UTC</translation>
    </message>
    <message>
        <source>No %1 recorded from %2.</source>
        <translation>Aucune valeur de %1 enregistrée depuis %2.</translation>
    </message>
    <message>
        <source>%1: peak %2 at %3</source>
        <translation>%1&#xa0;: pic de %2 à %3</translation>
    </message>
    <message>
        <source> — peak %1 % of quota (%2)</source>
        <translation> — pic à %1 % du quota (%2)</translation>
    </message>
    <message>
        <source> — the tenant has no quota for this</source>
        <translation> — le locataire n’a pas de quota pour cette métrique</translation>
    </message>
    <message>
        <source>%1 UTC
%2: %3</source>
        <translation>%1 UTC
%2&#xa0;: %3</translation>
    </message>
    <message>
        <source>
%1 % of the quota (%2)</source>
        <translation>
%1 % du quota (%2)</translation>
    </message>
    <message>
        <source>Show &amp;Chart</source>
        <translation>Afficher le &amp;graphique</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>Impossible d’écrire %1.</translation>
    </message>
    <message>
        <source>Choose a file ending in .png, .svg or .pdf.</source>
        <translation>Choisissez un fichier se terminant par .png, .svg ou .pdf.</translation>
    </message>
    <message>
        <source>Export Chart</source>
        <translation>Exporter le graphique</translation>
    </message>
    <message>
        <source>usage.png</source>
        <translation>utilisation.png</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>Image PNG (*.png);;Dessin SVG (*.svg);;Document PDF (*.pdf)</translation>
    </message>
    <message>
        <source>%1 calls/hour</source>
        <translation>%1 appels/heure</translation>
    </message>
    <message>
        <source>%1 % errors</source>
        <translation>%1 % d’erreurs</translation>
    </message>
    <message>
        <source> — the tenant has no API rate limit</source>
        <translation> — le locataire n’a pas de limite de débit d’API</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsageSeriesModel</name>
    <message>
        <source>CPU hours</source>
        <translation>Heures processeur</translation>
    </message>
    <message>
        <source>Memory (GB hours)</source>
        <translation>Mémoire (Go-heures)</translation>
    </message>
    <message>
        <source>Storage (GB)</source>
        <translation>Stockage (Go)</translation>
    </message>
    <message>
        <source>API calls</source>
        <translation>Appels d’API</translation>
    </message>
    <message>
        <source>Active users</source>
        <translation>Utilisateurs actifs</translation>
    </message>
    <message>
        <source>Error rate (%)</source>
        <translation>Taux d’erreur (%)</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Hour (UTC)</source>
        <translation>Heure (UTC)</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>Quota</translation>
    </message>
    <message>
        <source>Of quota</source>
        <translation>Du quota</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserConflictDialog</name>
    <message>
        <source>%1 was changed by someone else</source>
        <translation>%1 a été modifié par quelqu’un d’autre</translation>
    </message>
    <message>
        <source>While you were editing, “%1” was changed (now version %2, you started from version %3). Compare the values, then apply your change to the current version or keep the current one.</source>
        <translation>Pendant votre modification, «&#xa0;%1&#xa0;» a changé (version %2 désormais, vous êtes parti de la version %3). Comparez les valeurs, puis appliquez votre modification à la version actuelle ou conservez celle-ci.</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Nom d’affichage</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Adresse e-mail</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Champ</translation>
    </message>
    <message>
        <source>Your change</source>
        <translation>Votre modification</translation>
    </message>
    <message>
        <source>Now stored</source>
        <translation>Enregistré actuellement</translation>
    </message>
    <message>
        <source>When you started</source>
        <translation>Au début de votre modification</translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation>(inchangé)</translation>
    </message>
    <message>
        <source>&amp;Apply my change</source>
        <translation>&amp;Appliquer ma modification</translation>
    </message>
    <message>
        <source>&amp;Keep theirs</source>
        <translation>&amp;Conserver la leur</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserEditorDialog</name>
    <message>
        <source>Invite again</source>
        <translation>Inviter de nouveau</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>Activer</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Désactiver</translation>
    </message>
    <message>
        <source>this environment</source>
        <translation>cet environnement</translation>
    </message>
    <message numerus="yes">
        <source>the tenant; also applies to %n sub-tenant(s)</source>
        <translation>
            <numerusform>le locataire&#xa0;; s’applique aussi à %n sous-locataire</numerusform>
            <numerusform>le locataire&#xa0;; s’applique aussi à %n sous-locataires</numerusform>
        </translation>
    </message>
    <message>
        <source>the tenant (no sub-tenants)</source>
        <translation>le locataire (aucun sous-locataire)</translation>
    </message>
    <message>
        <source>New User</source>
        <translation>Nouvel utilisateur</translation>
    </message>
    <message>
        <source>Edit User</source>
        <translation>Modifier l’utilisateur</translation>
    </message>
    <message>
        <source>Display &amp;name:</source>
        <translation>&amp;Nom d’affichage&#xa0;:</translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation>nom@example.com</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>&amp;Adresse e-mail&#xa0;:</translation>
    </message>
    <message>
        <source>Only the changes a user&apos;s status allows are offered</source>
        <translation>Seules les modifications permises par le statut de l’utilisateur sont proposées</translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation>&amp;Statut&#xa0;:</translation>
    </message>
    <message>
        <source>Last sign-in:</source>
        <translation>Dernière connexion&#xa0;:</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Créé le&#xa0;:</translation>
    </message>
    <message>
        <source>Memberships (added and removed at once)</source>
        <translation>Appartenances (ajoutées et retirées immédiatement)</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Locataire</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Environnement</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Applies to</source>
        <translation>S’applique à</translation>
    </message>
    <message>
        <source>&amp;Add Membership…</source>
        <translation>A&amp;jouter une appartenance…</translation>
    </message>
    <message>
        <source>&amp;Remove Membership</source>
        <translation>&amp;Retirer l’appartenance</translation>
    </message>
    <message>
        <source>Remove Membership</source>
        <translation>Retirer l’appartenance</translation>
    </message>
    <message>
        <source>Take the role %1 on %2 away from %3?</source>
        <translation>Retirer à %3 le rôle %1 sur %2&#xa0;?</translation>
    </message>
    <message>
        <source>Give a &amp;first membership</source>
        <translation>Attribuer une &amp;première appartenance</translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation>&amp;Créer</translation>
    </message>
    <message>
        <source>Edit User — %1</source>
        <translation>Modifier l’utilisateur — %1</translation>
    </message>
    <message>
        <source>Platform principal: %1</source>
        <translation>Principal de plateforme&#xa0;: %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>%1 (unchanged)</source>
        <translation>%1 (inchangé)</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>whole tenant</source>
        <translation>tout le locataire</translation>
    </message>
    <message>
        <source>Memberships: none (added and removed at once)</source>
        <translation>Appartenances&#xa0;: aucune (ajoutées et retirées immédiatement)</translation>
    </message>
    <message numerus="yes">
        <source>Memberships: %n (added and removed at once)</source>
        <translation>
            <numerusform>Appartenances&#xa0;: %n (ajoutée et retirée immédiatement)</numerusform>
            <numerusform>Appartenances&#xa0;: %n (ajoutées et retirées immédiatement)</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a tenant and a role for the first membership, or leave it out.</source>
        <translation>Choisissez un locataire et un rôle pour la première appartenance, ou laissez-la de côté.</translation>
    </message>
    <message>
        <source>Add Membership — %1</source>
        <translation>Ajouter une appartenance — %1</translation>
    </message>
    <message>
        <source>A role on a whole tenant also applies to its sub-tenants.</source>
        <translation>Un rôle sur tout un locataire s’applique aussi à ses sous-locataires.</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Ajouter</translation>
    </message>
    <message>
        <source>Give %1 the role %2 on %3</source>
        <translation>Attribuer à %1 le rôle %2 sur %3</translation>
    </message>
    <message>
        <source>Take the role %1 on %2 from %3</source>
        <translation>Retirer à %3 le rôle %1 sur %2</translation>
    </message>
    <message>
        <source>Memberships</source>
        <translation>Appartenances</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserMerger</name>
    <message>
        <source>%1 is named “%2” here but “%3” at %4.</source>
        <translation>%1 est nommé «&#xa0;%2&#xa0;» ici mais «&#xa0;%3&#xa0;» à %4.</translation>
    </message>
    <message>
        <source>%1 is %2 here but %3 at %4.</source>
        <translation>%1 est %2 ici mais %3 à %4.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserTableModel</name>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>%1
Platform principal: %2</source>
        <translation>%1
Principal de plateforme&#xa0;: %2</translation>
    </message>
    <message>
        <source>Never signed in</source>
        <translation>Jamais connecté</translation>
    </message>
    <message>
        <source>Click to sort every user by this column (the store sorts, not only the rows shown)</source>
        <translation>Cliquez pour trier tous les utilisateurs selon cette colonne (le tri porte sur le magasin de données, pas seulement sur les lignes affichées)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Adresse e-mail</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>Dernière connexion</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Créé le</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsersPage</name>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>User actions</source>
        <translation>Actions sur les utilisateurs</translation>
    </message>
    <message>
        <source>Users error</source>
        <translation>Erreur des utilisateurs</translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation>Réessa&amp;yer</translation>
    </message>
    <message>
        <source>Retry reading the users</source>
        <translation>Relire les utilisateurs</translation>
    </message>
    <message>
        <source>Users status</source>
        <translation>État des utilisateurs</translation>
    </message>
    <message>
        <source>Could not read the users: %1</source>
        <translation>Impossible de lire les utilisateurs&#xa0;: %1</translation>
    </message>
    <message>
        <source>&amp;New User…</source>
        <translation>&amp;Nouvel utilisateur…</translation>
    </message>
    <message>
        <source>Create a user, invited, with a first membership (Ctrl+N)</source>
        <translation>Créer un utilisateur, à l’état invité, avec une première appartenance (Ctrl+N)</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Modifier…</translation>
    </message>
    <message>
        <source>Edit the user&apos;s profile, status and memberships (Enter)</source>
        <translation>Modifier le profil, le statut et les appartenances de l’utilisateur (Entrée)</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>&amp;Désactiver</translation>
    </message>
    <message>
        <source>Disable the selected users: they can no longer sign in</source>
        <translation>Désactiver les utilisateurs sélectionnés&#xa0;: ils ne peuvent plus se connecter</translation>
    </message>
    <message>
        <source>E&amp;nable</source>
        <translation>A&amp;ctiver</translation>
    </message>
    <message>
        <source>Make the selected users active</source>
        <translation>Rendre actifs les utilisateurs sélectionnés</translation>
    </message>
    <message>
        <source>&amp;Assign Role…</source>
        <translation>&amp;Attribuer un rôle…</translation>
    </message>
    <message>
        <source>Give the selected users a role on a tenant or environment</source>
        <translation>Attribuer aux utilisateurs sélectionnés un rôle sur un locataire ou un environnement</translation>
    </message>
    <message>
        <source>&amp;Remove Role…</source>
        <translation>&amp;Retirer un rôle…</translation>
    </message>
    <message>
        <source>Take a role on a tenant or environment away from the selected users</source>
        <translation>Retirer aux utilisateurs sélectionnés un rôle sur un locataire ou un environnement</translation>
    </message>
    <message>
        <source>&amp;Move to…</source>
        <translation>Dé&amp;placer vers…</translation>
    </message>
    <message>
        <source>Move the selected users&apos; memberships from one tenant or environment to another</source>
        <translation>Déplacer les appartenances des utilisateurs sélectionnés d’un locataire ou environnement vers un autre</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importer…</translation>
    </message>
    <message>
        <source>Import users from CSV, JSON or a Keycloak realm export, previewed and checked first (Ctrl+I)</source>
        <translation>Importer des utilisateurs depuis un fichier CSV, JSON ou un export de domaine Keycloak, après aperçu et vérification (Ctrl+I)</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xporter…</translation>
    </message>
    <message>
        <source>Write the users matching the filters, with their memberships, as CSV or JSON (Ctrl+Shift+E)</source>
        <translation>Écrire les utilisateurs correspondant aux filtres, avec leurs appartenances, en CSV ou JSON (Ctrl+Maj+E)</translation>
    </message>
    <message>
        <source>Effective &amp;Permissions…</source>
        <translation>Autorisations e&amp;ffectives…</translation>
    </message>
    <message>
        <source>What the selected user may do on a tenant, and which membership and role grants each permission</source>
        <translation>Ce que l’utilisateur sélectionné peut faire sur un locataire, et quelle appartenance et quel rôle accordent chaque autorisation</translation>
    </message>
    <message>
        <source>Search users by name or e-mail</source>
        <translation>Rechercher des utilisateurs par nom ou adresse e-mail</translation>
    </message>
    <message>
        <source>Search by name or e-mail (Ctrl+F)</source>
        <translation>Rechercher par nom ou adresse e-mail (Ctrl+F)</translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation>Rec&amp;hercher&#xa0;:</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Filtre de statut</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Tout statut</translation>
    </message>
    <message>
        <source>S&amp;tatus:</source>
        <translation>S&amp;tatut&#xa0;:</translation>
    </message>
    <message>
        <source>Tenant slug filter</source>
        <translation>Filtre d’identifiant court de locataire</translation>
    </message>
    <message>
        <source>Any tenant (slug)</source>
        <translation>Tout locataire (identifiant court)</translation>
    </message>
    <message>
        <source>This te&amp;nant</source>
        <translation>Ce &amp;locataire</translation>
    </message>
    <message>
        <source>Only the tenant the page was opened for</source>
        <translation>Uniquement le locataire pour lequel la page a été ouverte</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>L&amp;ocataire&#xa0;:</translation>
    </message>
    <message>
        <source>Environment filter</source>
        <translation>Filtre d’environnement</translation>
    </message>
    <message>
        <source>Any environment</source>
        <translation>Tout environnement</translation>
    </message>
    <message>
        <source>Choose a tenant first</source>
        <translation>Choisissez d’abord un locataire</translation>
    </message>
    <message>
        <source>En&amp;vironment:</source>
        <translation>En&amp;vironnement&#xa0;:</translation>
    </message>
    <message>
        <source>Role filter</source>
        <translation>Filtre de rôle</translation>
    </message>
    <message>
        <source>Any role</source>
        <translation>Tout rôle</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>R&amp;ôle&#xa0;:</translation>
    </message>
    <message>
        <source>This te&amp;nant (%1)</source>
        <translation>Ce &amp;locataire (%1)</translation>
    </message>
    <message>
        <source>Users of %1</source>
        <translation>Utilisateurs de %1</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation>Aucun locataire n’a l’identifiant court «&#xa0;%1&#xa0;».</translation>
    </message>
    <message>
        <source>%1 (custom)</source>
        <translation>%1 (personnalisé)</translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation>Aucune base de données ouverte.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown; loading more…</source>
        <translation>
            <numerusform>%n utilisateur affiché&#xa0;; chargement de la suite…</numerusform>
            <numerusform>%n utilisateurs affichés&#xa0;; chargement de la suite…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown; the rest could not be read.</source>
        <translation>
            <numerusform>%n utilisateur affiché&#xa0;; le reste n’a pas pu être lu.</numerusform>
            <numerusform>%n utilisateurs affichés&#xa0;; le reste n’a pas pu être lu.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown (&lt;a href=&quot;more&quot;&gt;more…&lt;/a&gt;)</source>
        <translation>
            <numerusform>%n utilisateur affiché (&lt;a href=&quot;more&quot;&gt;plus…&lt;/a&gt;)</numerusform>
            <numerusform>%n utilisateurs affichés (&lt;a href=&quot;more&quot;&gt;plus…&lt;/a&gt;)</numerusform>
        </translation>
    </message>
    <message>
        <source>No users match the filters.</source>
        <translation>Aucun utilisateur ne correspond aux filtres.</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s).</source>
        <translation>
            <numerusform>%n utilisateur.</numerusform>
            <numerusform>%n utilisateurs.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n selected.</source>
        <translation>
            <numerusform>%n sélectionné.</numerusform>
            <numerusform>%n sélectionnés.</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1 enregistré.</translation>
    </message>
    <message>
        <source>Created %1 (%2), %3.</source>
        <translation>%1 (%2) créé, %3.</translation>
    </message>
    <message numerus="yes">
        <source>Imported: %n new user(s), %1 membership(s).</source>
        <translation>
            <numerusform>Importé&#xa0;: %n nouvel utilisateur, %1 appartenance(s).</numerusform>
            <numerusform>Importé&#xa0;: %n nouveaux utilisateurs, %1 appartenance(s).</numerusform>
        </translation>
    </message>
    <message>
        <source>tenant %1</source>
        <translation>locataire %1</translation>
    </message>
    <message>
        <source>environment %1</source>
        <translation>environnement %1</translation>
    </message>
    <message>
        <source>role %1</source>
        <translation>rôle %1</translation>
    </message>
    <message>
        <source>status %1</source>
        <translation>statut %1</translation>
    </message>
    <message>
        <source>name or e-mail containing “%1”</source>
        <translation>nom ou adresse e-mail contenant «&#xa0;%1&#xa0;»</translation>
    </message>
    <message>
        <source>every user</source>
        <translation>tous les utilisateurs</translation>
    </message>
    <message>
        <source>Assign Role</source>
        <translation>Attribuer un rôle</translation>
    </message>
    <message>
        <source>Remove Role</source>
        <translation>Retirer un rôle</translation>
    </message>
    <message numerus="yes">
        <source>Give %n selected user(s) a role on:</source>
        <translation>
            <numerusform>Attribuer à %n utilisateur sélectionné un rôle sur&#xa0;:</numerusform>
            <numerusform>Attribuer à %n utilisateurs sélectionnés un rôle sur&#xa0;:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Take a role away from %n selected user(s) on:</source>
        <translation>
            <numerusform>Retirer à %n utilisateur sélectionné un rôle sur&#xa0;:</numerusform>
            <numerusform>Retirer à %n utilisateurs sélectionnés un rôle sur&#xa0;:</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Assign</source>
        <translation>&amp;Attribuer</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Retirer</translation>
    </message>
    <message>
        <source>Move Users</source>
        <translation>Déplacer des utilisateurs</translation>
    </message>
    <message numerus="yes">
        <source>Move the memberships of %n selected user(s), roles kept. Users with no membership where they are moved from are left as they are.</source>
        <translation>
            <numerusform>Déplacer les appartenances de %n utilisateur sélectionné, rôles conservés. Un utilisateur sans appartenance à l’origine du déplacement reste inchangé.</numerusform>
            <numerusform>Déplacer les appartenances de %n utilisateurs sélectionnés, rôles conservés. Les utilisateurs sans appartenance à l’origine du déplacement restent inchangés.</numerusform>
        </translation>
    </message>
    <message>
        <source>From</source>
        <translation>De</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Vers</translation>
    </message>
    <message>
        <source>&amp;Move</source>
        <translation>&amp;Déplacer</translation>
    </message>
    <message>
        <source>Disable Users</source>
        <translation>Désactiver des utilisateurs</translation>
    </message>
    <message numerus="yes">
        <source>Disable %n user(s)? They can no longer sign in.</source>
        <translation>
            <numerusform>Désactiver %n utilisateur&#xa0;? Il ne pourra plus se connecter.</numerusform>
            <numerusform>Désactiver %n utilisateurs&#xa0;? Ils ne pourront plus se connecter.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Take the role away from %n user(s)?</source>
        <translation>
            <numerusform>Retirer le rôle à %n utilisateur&#xa0;?</numerusform>
            <numerusform>Retirer le rôle à %n utilisateurs&#xa0;?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move the memberships of %n user(s)?</source>
        <translation>
            <numerusform>Déplacer les appartenances de %n utilisateur&#xa0;?</numerusform>
            <numerusform>Déplacer les appartenances de %n utilisateurs&#xa0;?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Changing %n user(s)…</source>
        <translation>
            <numerusform>Modification de %n utilisateur…</numerusform>
            <numerusform>Modification de %n utilisateurs…</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Cancelled: nothing was changed.</source>
        <translation>Annulé&#xa0;: rien n’a été modifié.</translation>
    </message>
    <message>
        <source>Nothing was changed: %1</source>
        <translation>Rien n’a été modifié&#xa0;: %1</translation>
    </message>
    <message numerus="yes">
        <source>Disable %n user(s)</source>
        <translation>
            <numerusform>Désactiver %n utilisateur</numerusform>
            <numerusform>Désactiver %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enable %n user(s)</source>
        <translation>
            <numerusform>Activer %n utilisateur</numerusform>
            <numerusform>Activer %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Invite %n user(s) again</source>
        <translation>
            <numerusform>Inviter de nouveau %n utilisateur</numerusform>
            <numerusform>Inviter de nouveau %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Assign %1 to %n user(s)</source>
        <translation>
            <numerusform>Attribuer %1 à %n utilisateur</numerusform>
            <numerusform>Attribuer %1 à %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %1 from %n user(s)</source>
        <translation>
            <numerusform>Retirer %1 à %n utilisateur</numerusform>
            <numerusform>Retirer %1 à %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n user(s)</source>
        <translation>
            <numerusform>Déplacer %n utilisateur</numerusform>
            <numerusform>Déplacer %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restore the status of %n user(s)</source>
        <translation>
            <numerusform>Rétablir le statut de %n utilisateur</numerusform>
            <numerusform>Rétablir le statut de %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Disabled %n user(s)</source>
        <translation>
            <numerusform>%n utilisateur désactivé</numerusform>
            <numerusform>%n utilisateurs désactivés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already disabled</source>
        <translation>
            <numerusform>%n déjà désactivé</numerusform>
            <numerusform>%n déjà désactivés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enabled %n user(s)</source>
        <translation>
            <numerusform>%n utilisateur activé</numerusform>
            <numerusform>%n utilisateurs activés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already active</source>
        <translation>
            <numerusform>%n déjà actif</numerusform>
            <numerusform>%n déjà actifs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Invited %n user(s) again</source>
        <translation>
            <numerusform>%n utilisateur invité de nouveau</numerusform>
            <numerusform>%n utilisateurs invités de nouveau</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already invited</source>
        <translation>
            <numerusform>%n déjà invité</numerusform>
            <numerusform>%n déjà invités</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restored the status of %n user(s)</source>
        <translation>
            <numerusform>Statut de %n utilisateur rétabli</numerusform>
            <numerusform>Statut de %n utilisateurs rétabli</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unchanged</source>
        <translation>
            <numerusform>%n inchangé</numerusform>
            <numerusform>%n inchangés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Gave %n user(s) the role %1 on %2</source>
        <translation>
            <numerusform>Rôle %1 sur %2 attribué à %n utilisateur</numerusform>
            <numerusform>Rôle %1 sur %2 attribué à %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already held it</source>
        <translation>
            <numerusform>%n le détenait déjà</numerusform>
            <numerusform>%n le détenaient déjà</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Took the role %1 on %2 from %n user(s)</source>
        <translation>
            <numerusform>Rôle %1 sur %2 retiré à %n utilisateur</numerusform>
            <numerusform>Rôle %1 sur %2 retiré à %n utilisateurs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n did not hold it</source>
        <translation>
            <numerusform>%n ne le détenait pas</numerusform>
            <numerusform>%n ne le détenaient pas</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n user(s) from %1 to %2</source>
        <translation>
            <numerusform>%n utilisateur déplacé de %1 vers %2</numerusform>
            <numerusform>%n utilisateurs déplacés de %1 vers %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had no membership there</source>
        <translation>
            <numerusform>%n n’y avait aucune appartenance</numerusform>
            <numerusform>%n n’y avaient aucune appartenance</numerusform>
        </translation>
    </message>
    <message>
        <source>%1; %2.</source>
        <translation>%1&#xa0;; %2.</translation>
    </message>
    <message>
        <source>%1.</source>
        <translation>%1.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::WelcomePage</name>
    <message>
        <source>Welcome to TenantDesk</source>
        <translation>Bienvenue dans TenantDesk</translation>
    </message>
    <message>
        <source>Administer the tenants of a multi-tenant platform: their sub-tenants and environments, users and roles, usage and billing. Start with the demo platform, a new empty database, a database file you have, or a TenantDesk server.</source>
        <translation>Administrez les locataires d’une plateforme multilocataire&#xa0;: leurs sous-locataires et environnements, utilisateurs et rôles, utilisation et facturation. Commencez par la plateforme de démonstration, une nouvelle base de données vide, un fichier de base de données existant ou un serveur TenantDesk.</translation>
    </message>
    <message>
        <source>Recent databases:</source>
        <translation>Bases de données récentes&#xa0;:</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Open the &amp;demo platform</source>
        <translation>Ouvrir la &amp;plateforme de démonstration</translation>
    </message>
    <message>
        <source>&amp;New empty database…</source>
        <translation>&amp;Nouvelle base de données vide…</translation>
    </message>
    <message>
        <source>&amp;Open a database file…</source>
        <translation>&amp;Ouvrir un fichier de base de données…</translation>
    </message>
    <message>
        <source>&amp;Connect to a server…</source>
        <translation>Se &amp;connecter à un serveur…</translation>
    </message>
    <message>
        <source>Recent databases</source>
        <translation>Bases de données récentes</translation>
    </message>
</context>
<context>
    <name>TenantStatus</name>
    <message>
        <source>Requested</source>
        <translation>Demandé</translation>
    </message>
    <message>
        <source>Provisioning</source>
        <translation>Provisionnement</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Suspendu</translation>
    </message>
    <message>
        <source>Decommissioning</source>
        <translation>Mise hors service</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>Archivé</translation>
    </message>
</context>
<context>
    <name>User</name>
    <message>
        <source>Invited</source>
        <translation>Invité</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Désactivé</translation>
    </message>
</context>
<context>
    <name>UserAdmin</name>
    <message>
        <source>an e-mail address is required.</source>
        <translation>une adresse e-mail est obligatoire.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address (no surrounding spaces, at most 254 characters).</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail (sans espaces autour, 254 caractères au maximum).</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address (expected name@example.com).</source>
        <translation>«&#xa0;%1&#xa0;» n’est pas une adresse e-mail (attendu&#xa0;: nom@example.com).</translation>
    </message>
    <message>
        <source>a name is required.</source>
        <translation>un nom est obligatoire.</translation>
    </message>
    <message>
        <source>at most 200 characters.</source>
        <translation>200 caractères au maximum.</translation>
    </message>
    <message>
        <source>a role needs a name.</source>
        <translation>un rôle doit avoir un nom.</translation>
    </message>
    <message>
        <source>no spaces before or after the name.</source>
        <translation>pas d’espace avant ou après le nom.</translation>
    </message>
    <message>
        <source>at most 100 characters.</source>
        <translation>100 caractères au maximum.</translation>
    </message>
</context>
<context>
    <name>httplib</name>
    <message>
        <source>There is no such resource.</source>
        <translation>Cette ressource n’existe pas.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Administer the tenants of a multi-tenant platform.</source>
        <translation>Administrer les locataires d’une plateforme multilocataire.</translation>
    </message>
    <message>
        <source>Open the demo platform (generated on first use).</source>
        <translation>Ouvrir la plateforme de démonstration (générée à la première utilisation).</translation>
    </message>
    <message>
        <source>Open the TenantDesk database file &lt;path&gt;.</source>
        <translation>Ouvrir le fichier de base de données TenantDesk &lt;path&gt;.</translation>
    </message>
    <message>
        <source>Connect to the TenantDesk server at &lt;url&gt; (asks for the password).</source>
        <translation>Se connecter au serveur TenantDesk à l’adresse &lt;url&gt; (demande le mot de passe).</translation>
    </message>
    <message>
        <source>With --server: sign in as &lt;email&gt;.</source>
        <translation>Avec --server&#xa0;: se connecter en tant que &lt;email&gt;.</translation>
    </message>
    <message>
        <source>A TenantDesk database file to open, as with --database.</source>
        <translation>Un fichier de base de données TenantDesk à ouvrir, comme avec --database.</translation>
    </message>
    <message>
        <source>tenantdesk: unexpected argument “%1”; one database file at a time, see --help.</source>
        <translation>tenantdesk&#xa0;: argument inattendu «&#xa0;%1&#xa0;»&#xa0;; un seul fichier de base de données à la fois, voir --help.</translation>
    </message>
    <message>
        <source>tenantdesk: choose one of --demo, --database, --server and a database file.</source>
        <translation>tenantdesk&#xa0;: choisissez une seule option parmi --demo, --database, --server et un fichier de base de données.</translation>
    </message>
    <message>
        <source>tenantdesk: --email goes with --server.</source>
        <translation>tenantdesk&#xa0;: --email s’utilise avec --server.</translation>
    </message>
    <message>
        <source>Read branding packs from &lt;dir&gt;/&lt;tenant slug&gt;/ first (see docs/BRANDING.md).</source>
        <translation>Lire d’abord les packs d’image de marque dans &lt;dir&gt;/&lt;tenant slug&gt;/ (voir docs/BRANDING.md).</translation>
    </message>
    <message>
        <source>tenantdesk: --branding-dir: “%1” is not a folder.</source>
        <translation>tenantdesk&#xa0;: --branding-dir&#xa0;: «&#xa0;%1&#xa0;» n’est pas un dossier.</translation>
    </message>
</context>
<context>
    <name>std</name>
    <message>
        <source>The certificate you trusted for %1 is no longer valid.</source>
        <translation>Le certificat auquel vous avez fait confiance pour %1 n’est plus valide.</translation>
    </message>
    <message>
        <source>The server %1 presented a certificate that is not trusted. Its SHA-256 fingerprint is %2.</source>
        <translation>Le serveur %1 a présenté un certificat non approuvé. Son empreinte SHA-256 est %2.</translation>
    </message>
    <message>
        <source>The server %1 presented a different certificate from the one you trusted (SHA-256 %2): it may have been renewed, or someone may be intercepting the connection.</source>
        <translation>Le serveur %1 a présenté un certificat différent de celui auquel vous avez fait confiance (SHA-256 %2)&#xa0;: il a peut-être été renouvelé, ou quelqu’un intercepte peut-être la connexion.</translation>
    </message>
    <message>
        <source>Your session on %1 has ended; sign in again.</source>
        <translation>Votre session sur %1 a pris fin&#xa0;; reconnectez-vous.</translation>
    </message>
    <message>
        <source>The e-mail address or password is not right.</source>
        <translation>L’adresse e-mail ou le mot de passe est incorrect.</translation>
    </message>
    <message>
        <source>You may not do this on %1.</source>
        <translation>Vous ne pouvez pas effectuer cette opération sur %1.</translation>
    </message>
    <message>
        <source>The server has no such object.</source>
        <translation>Le serveur ne possède pas cet objet.</translation>
    </message>
    <message>
        <source>Someone else changed this since you read it; compare and try again.</source>
        <translation>Quelqu’un d’autre a modifié cet élément depuis votre lecture&#xa0;; comparez et réessayez.</translation>
    </message>
    <message>
        <source>The server refused the request as malformed.</source>
        <translation>Le serveur a refusé la requête comme mal formée.</translation>
    </message>
    <message>
        <source>The server asked for a version check that TenantDesk did not send.</source>
        <translation>Le serveur a demandé une vérification de version que TenantDesk n’a pas envoyée.</translation>
    </message>
    <message numerus="yes">
        <source>The server is busy; try again in %n second(s).</source>
        <translation>
            <numerusform>Le serveur est occupé&#xa0;; réessayez dans %n seconde.</numerusform>
            <numerusform>Le serveur est occupé&#xa0;; réessayez dans %n secondes.</numerusform>
        </translation>
    </message>
    <message>
        <source>The server is busy; try again in a moment.</source>
        <translation>Le serveur est occupé&#xa0;; réessayez dans un instant.</translation>
    </message>
    <message>
        <source>The server sent TenantDesk elsewhere (%1); connect to that address instead.</source>
        <translation>Le serveur a redirigé TenantDesk ailleurs (%1)&#xa0;; connectez-vous plutôt à cette adresse.</translation>
    </message>
    <message numerus="yes">
        <source>The server %1 is not available; try again in %n second(s).</source>
        <translation>
            <numerusform>Le serveur %1 n’est pas disponible&#xa0;; réessayez dans %n seconde.</numerusform>
            <numerusform>Le serveur %1 n’est pas disponible&#xa0;; réessayez dans %n secondes.</numerusform>
        </translation>
    </message>
    <message>
        <source>The server %1 is not available; try again later.</source>
        <translation>Le serveur %1 n’est pas disponible&#xa0;; réessayez plus tard.</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP %1).</source>
        <translation>Le serveur a refusé la requête (HTTP %1).</translation>
    </message>
</context>
<context>
    <name>tenantctl</name>
    <message>
        <source>fill a new database with demo data</source>
        <translation>remplir une nouvelle base de données avec des données de démonstration</translation>
    </message>
    <message>
        <source>list the top-level tenants or a tenant&apos;s sub-tenants</source>
        <translation>lister les locataires de premier niveau ou les sous-locataires d’un locataire</translation>
    </message>
    <message>
        <source>show one tenant</source>
        <translation>afficher un locataire</translation>
    </message>
    <message>
        <source>create a tenant (requested) with one environment of each kind named</source>
        <translation>créer un locataire (demandé) avec un environnement de chaque type indiqué</translation>
    </message>
    <message>
        <source>change a tenant in one versioned edit; policy keys: password_min_length,
password_classes, mfa_required, session_timeout_minutes, ip_allow_list=CIDR,CIDR
(KEY= with no value removes a key)</source>
        <translation>modifier un locataire en une modification versionnée&#xa0;; clés de stratégie&#xa0;: password_min_length,
password_classes, mfa_required, session_timeout_minutes, ip_allow_list=CIDR,CIDR
(CLÉ= sans valeur supprime une clé)</translation>
    </message>
    <message>
        <source>move a tenant and its sub-tree under another parent</source>
        <translation>déplacer un locataire et sa sous-arborescence sous un autre parent</translation>
    </message>
    <message>
        <source>requested → provisioning</source>
        <translation>demandé → provisionnement</translation>
    </message>
    <message>
        <source>provisioning → active</source>
        <translation>provisionnement → actif</translation>
    </message>
    <message>
        <source>active → suspended</source>
        <translation>actif → suspendu</translation>
    </message>
    <message>
        <source>suspended → active</source>
        <translation>suspendu → actif</translation>
    </message>
    <message>
        <source>retire a suspended tenant: back it up to FILE, work through the checklist,
delete its data (only with --confirm SLUG) and archive it; run again to continue</source>
        <translation>retirer un locataire suspendu&#xa0;: le sauvegarder dans FICHIER, suivre la liste de contrôle,
supprimer ses données (uniquement avec --confirm SLUG) et l’archiver&#xa0;; relancer pour continuer</translation>
    </message>
    <message>
        <source>restore a backup, suspended: over its archived tenant, or as a new one</source>
        <translation>restaurer une sauvegarde, à l’état suspendu&#xa0;: sur son locataire archivé, ou comme nouveau locataire</translation>
    </message>
    <message>
        <source>delete a requested or archived tenant</source>
        <translation>supprimer un locataire demandé ou archivé</translation>
    </message>
    <message>
        <source>a tenant&apos;s environments</source>
        <translation>les environnements d’un locataire</translation>
    </message>
    <message>
        <source>add an environment (production, staging, development or sandbox)</source>
        <translation>ajouter un environnement (production, staging, development ou sandbox)</translation>
    </message>
    <message>
        <source>rename an environment</source>
        <translation>renommer un environnement</translation>
    </message>
    <message>
        <source>change an environment&apos;s settings (numbers and true/false are read as such)</source>
        <translation>modifier les paramètres d’un environnement (les nombres et true/false sont lus comme tels)</translation>
    </message>
    <message>
        <source>remove an environment and the memberships held on it</source>
        <translation>supprimer un environnement et les appartenances qui y sont détenues</translation>
    </message>
    <message>
        <source>copy settings from one environment to another (--all: make the target&apos;s
settings the source&apos;s); --dry-run shows the differences and changes nothing</source>
        <translation>copier les paramètres d’un environnement vers un autre (--all&#xa0;: donner à la cible
les paramètres de la source)&#xa0;; --dry-run affiche les différences sans rien modifier</translation>
    </message>
    <message>
        <source>users, the first 100 by name unless --limit or --all; --tenant: members of the
tenant or its environments; --search: in the name or e-mail address</source>
        <translation>les utilisateurs, les 100 premiers par nom sauf --limit ou --all&#xa0;; --tenant&#xa0;: membres du
locataire ou de ses environnements&#xa0;; --search&#xa0;: dans le nom ou l’adresse e-mail</translation>
    </message>
    <message>
        <source>one user: profile, platform roles, memberships and what they also apply to</source>
        <translation>un utilisateur&#xa0;: profil, rôles de plateforme, appartenances et ce à quoi elles s’appliquent aussi</translation>
    </message>
    <message>
        <source>create a user (invited unless --status active), with a first membership</source>
        <translation>créer un utilisateur (invité sauf --status active), avec une première appartenance</translation>
    </message>
    <message>
        <source>change a user&apos;s name, e-mail address or status in one versioned edit</source>
        <translation>modifier le nom, l’adresse e-mail ou le statut d’un utilisateur en une modification versionnée</translation>
    </message>
    <message>
        <source>disable users, all in one change or none</source>
        <translation>désactiver des utilisateurs, tous en une seule modification ou aucun</translation>
    </message>
    <message>
        <source>make users active again, all in one change or none</source>
        <translation>réactiver des utilisateurs, tous en une seule modification ou aucun</translation>
    </message>
    <message>
        <source>grant users a role on a tenant or one of its environments</source>
        <translation>attribuer à des utilisateurs un rôle sur un locataire ou l’un de ses environnements</translation>
    </message>
    <message>
        <source>take a role on a tenant or environment away from users</source>
        <translation>retirer à des utilisateurs un rôle sur un locataire ou un environnement</translation>
    </message>
    <message>
        <source>move users&apos; memberships to another tenant or environment, roles kept;
one user that cannot move stops them all</source>
        <translation>déplacer les appartenances d’utilisateurs vers un autre locataire ou environnement, rôles conservés&#xa0;;
un seul utilisateur impossible à déplacer les arrête tous</translation>
    </message>
    <message>
        <source>a user&apos;s effective permissions on a tenant, each with the memberships and
roles that grant it</source>
        <translation>les autorisations effectives d’un utilisateur sur un locataire, chacune avec les appartenances et
les rôles qui l’accordent</translation>
    </message>
    <message>
        <source>the built-in roles, and the custom roles usable on a tenant</source>
        <translation>les rôles intégrés, et les rôles personnalisés utilisables sur un locataire</translation>
    </message>
    <message>
        <source>create a custom role of a tenant; --include makes it composite</source>
        <translation>créer un rôle personnalisé d’un locataire&#xa0;; --include le rend composite</translation>
    </message>
    <message>
        <source>change a custom role; --permission and --include replace the lists</source>
        <translation>modifier un rôle personnalisé&#xa0;; --permission et --include remplacent les listes</translation>
    </message>
    <message>
        <source>delete a custom role that nobody holds and no role includes</source>
        <translation>supprimer un rôle personnalisé que personne ne détient et qu’aucun rôle n’inclut</translation>
    </message>
    <message>
        <source>grant a role to users on a tenant or one of its environments</source>
        <translation>attribuer un rôle à des utilisateurs sur un locataire ou l’un de ses environnements</translation>
    </message>
    <message>
        <source>import users and memberships from CSV (email, display_name, status, tenant,
environment, role); rows without a tenant go to --tenant</source>
        <translation>importer des utilisateurs et des appartenances depuis un CSV (email, display_name, status, tenant,
environment, role)&#xa0;; les lignes sans locataire vont dans --tenant</translation>
    </message>
    <message>
        <source>import users and memberships from JSON; each problem is named by line and
field, and nothing is written while any remains; --dry-run checks only</source>
        <translation>importer des utilisateurs et des appartenances depuis un JSON&#xa0;; chaque problème est indiqué par ligne et
champ, et rien n’est écrit tant qu’il en reste&#xa0;; --dry-run vérifie seulement</translation>
    </message>
    <message>
        <source>import a Keycloak realm export (a file, or a folder from kc.sh export) as a
new tenant per realm, with a report of what was mapped and skipped</source>
        <translation>importer un export de domaine Keycloak (un fichier, ou un dossier produit par kc.sh export) avec
un nouveau locataire par domaine, et un rapport de ce qui a été converti et ignoré</translation>
    </message>
    <message>
        <source>users and their memberships as CSV, as import csv reads them</source>
        <translation>les utilisateurs et leurs appartenances en CSV, tel que import csv les lit</translation>
    </message>
    <message>
        <source>users and their memberships as JSON, as import json reads them</source>
        <translation>les utilisateurs et leurs appartenances en JSON, tel que import json les lit</translation>
    </message>
    <message>
        <source>the newest audit events (50 unless --limit); --action takes an action or
a prefix ending in “.” (tenant.); times are ISO 8601, UTC unless an offset is given</source>
        <translation>les événements d’audit les plus récents (50 sauf --limit)&#xa0;; --action accepte une action ou
un préfixe terminé par «&#xa0;.&#xa0;» (tenant.)&#xa0;; les heures sont en ISO 8601, en UTC sauf décalage indiqué</translation>
    </message>
    <message>
        <source>check the audit trail&apos;s hash chains; exit status 1 names the first broken link</source>
        <translation>vérifier les chaînes d’empreintes du journal d’audit&#xa0;; le code de sortie 1 indique le premier maillon rompu</translation>
    </message>
    <message>
        <source>import a billing export (FOCUS, AWS CUR, Azure cost details; plain, .gz or .zip)
in one transaction, its lines attributed to tenants by the rules; --tenant-tag adds
a tag whose value is a tenant&apos;s slug to the rules; the same file again is refused
unless --on-duplicate skip or replace</source>
        <translation>importer un export de facturation (FOCUS, AWS CUR, détails des coûts Azure&#xa0;; brut, .gz ou .zip)
en une transaction, ses lignes attribuées aux locataires par les règles&#xa0;; --tenant-tag ajoute
aux règles une étiquette dont la valeur est l’identifiant court d’un locataire&#xa0;; un même fichier est
refusé une seconde fois sauf avec --on-duplicate skip ou replace</translation>
    </message>
    <message>
        <source>the billing imports, newest first</source>
        <translation>les imports de facturation, les plus récents en premier</translation>
    </message>
    <message>
        <source>delete an import with its lines and roll-ups</source>
        <translation>supprimer un import avec ses lignes et ses agrégats</translation>
    </message>
    <message>
        <source>cost summed exactly by any of tenant, service and month (and always currency),
from the roll-ups; shares of shared cost count in their tenant&apos;s sums, cost of no
tenant is “(unallocated)”; --to is the last day included</source>
        <translation>coût totalisé exactement par locataire, service et/ou mois (et toujours par devise),
à partir des agrégats&#xa0;; les parts de coûts partagés comptent dans les totaux de leur locataire, le coût
sans locataire est «&#xa0;(non attribué)&#xa0;»&#xa0;; --to est le dernier jour inclus</translation>
    </message>
    <message>
        <source>the attribution rules; with --json the document billing rules set reads</source>
        <translation>les règles d’attribution&#xa0;; avec --json, le document que lit billing rules set</translation>
    </message>
    <message>
        <source>store attribution rules from a JSON file and apply them again to every billing
line; a file with a &quot;version&quot; is refused when the rules changed since</source>
        <translation>enregistrer les règles d’attribution d’un fichier JSON et les réappliquer à chaque ligne
de facturation&#xa0;; un fichier avec une &quot;version&quot; est refusé si les règles ont changé depuis</translation>
    </message>
    <message>
        <source>set a tenant&apos;s monthly budget in a currency; AMOUNT none removes it</source>
        <translation>définir le budget mensuel d’un locataire dans une devise&#xa0;; MONTANT none le supprime</translation>
    </message>
    <message>
        <source>the billing review as a report: totals by tenant, service and month, month over
month, budgets, and in the PDF a chart; --output takes its format from the suffix</source>
        <translation>la revue de facturation sous forme de rapport&#xa0;: totaux par locataire, service et mois, évolution
d’un mois sur l’autre, budgets, et un graphique dans le PDF&#xa0;; --output déduit son format du suffixe</translation>
    </message>
    <message>
        <source>The TenantDesk database: a file, sqlite:FILE or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation>La base de données TenantDesk&#xa0;: un fichier, sqlite:FICHIER ou postgresql://UTILISATEUR@HÔTE:PORT/BASE.</translation>
    </message>
    <message>
        <source>Print JSON instead of text.</source>
        <translation>Afficher du JSON au lieu de texte.</translation>
    </message>
    <message>
        <source>With demo: “small” or a number of tenants.</source>
        <translation>Avec demo&#xa0;: «&#xa0;small&#xa0;» ou un nombre de locataires.</translation>
    </message>
    <message>
        <source>With demo: how many users (default: 300 for small, ten per tenant otherwise).</source>
        <translation>Avec demo&#xa0;: nombre d’utilisateurs (par défaut&#xa0;: 300 pour small, dix par locataire sinon).</translation>
    </message>
    <message>
        <source>With demo: days of hourly usage samples (default 90).</source>
        <translation>Avec demo&#xa0;: jours d’échantillons d’utilisation horaires (par défaut 90).</translation>
    </message>
    <message>
        <source>The parent tenant&apos;s slug.</source>
        <translation>L’identifiant court du locataire parent.</translation>
    </message>
    <message>
        <source>With tenants move and restore: at the top level.</source>
        <translation>Avec tenants move et restore&#xa0;: au premier niveau.</translation>
    </message>
    <message>
        <source>A tenant&apos;s or user&apos;s display name; with roles update, the role&apos;s new name.</source>
        <translation>Le nom d’affichage d’un locataire ou d’un utilisateur&#xa0;; avec roles update, le nouveau nom du rôle.</translation>
    </message>
    <message>
        <source>A tenant&apos;s domain (empty for none).</source>
        <translation>Le domaine d’un locataire (vide pour aucun).</translation>
    </message>
    <message>
        <source>A tenant&apos;s IANA time zone (Europe/Berlin).</source>
        <translation>Le fuseau horaire IANA d’un locataire (Europe/Paris).</translation>
    </message>
    <message>
        <source>A tenant&apos;s language (de, en-GB).</source>
        <translation>La langue d’un locataire (fr, en-GB).</translation>
    </message>
    <message>
        <source>With tenants create: the kinds of environment to create, comma-separated.</source>
        <translation>Avec tenants create&#xa0;: les types d’environnement à créer, séparés par des virgules.</translation>
    </message>
    <message>
        <source>CPU cores quota, or none.</source>
        <translation>Quota de cœurs processeur, ou none.</translation>
    </message>
    <message>
        <source>Memory quota in GB, or none.</source>
        <translation>Quota de mémoire en Go, ou none.</translation>
    </message>
    <message>
        <source>Storage quota in GB, or none.</source>
        <translation>Quota de stockage en Go, ou none.</translation>
    </message>
    <message>
        <source>User seats quota, or none.</source>
        <translation>Quota de licences utilisateur, ou none.</translation>
    </message>
    <message>
        <source>API requests per minute, or none.</source>
        <translation>Requêtes d’API par minute, ou none.</translation>
    </message>
    <message>
        <source>A feature flag: NAME=on, off or inherit.</source>
        <translation>Un indicateur de fonctionnalité&#xa0;: NOM=on, off ou inherit.</translation>
    </message>
    <message>
        <source>A security policy field: KEY=VALUE (KEY= removes it).</source>
        <translation>Un champ de stratégie de sécurité&#xa0;: CLÉ=VALEUR (CLÉ= le supprime).</translation>
    </message>
    <message>
        <source>A setting: KEY=VALUE.</source>
        <translation>Un paramètre&#xa0;: CLÉ=VALEUR.</translation>
    </message>
    <message>
        <source>With tenants update: remove an integration setting.</source>
        <translation>Avec tenants update&#xa0;: supprimer un paramètre d’intégration.</translation>
    </message>
    <message>
        <source>With tenants decommission: the backup file to write.</source>
        <translation>Avec tenants decommission&#xa0;: le fichier de sauvegarde à écrire.</translation>
    </message>
    <message>
        <source>With tenants decommission: overwrite an existing backup file.</source>
        <translation>Avec tenants decommission&#xa0;: remplacer un fichier de sauvegarde existant.</translation>
    </message>
    <message>
        <source>With tenants decommission: how the users were told.</source>
        <translation>Avec tenants decommission&#xa0;: comment les utilisateurs ont été avertis.</translation>
    </message>
    <message>
        <source>The slug (or environment or role name) typed again, to delete.</source>
        <translation>L’identifiant court (ou le nom de l’environnement ou du rôle) saisi de nouveau, pour supprimer.</translation>
    </message>
    <message>
        <source>With environments add: production, staging, development or sandbox.</source>
        <translation>Avec environments add&#xa0;: production, staging, development ou sandbox.</translation>
    </message>
    <message>
        <source>With environments set: remove a setting.</source>
        <translation>Avec environments set&#xa0;: supprimer un paramètre.</translation>
    </message>
    <message>
        <source>With environments promote: the source environment; with users move: SLUG or SLUG/ENVIRONMENT; with billing summary: the first day.</source>
        <translation>Avec environments promote&#xa0;: l’environnement source&#xa0;; avec users move&#xa0;: SLUG ou SLUG/ENVIRONNEMENT&#xa0;; avec billing summary&#xa0;: le premier jour.</translation>
    </message>
    <message>
        <source>With environments promote: the target environment; with users move: SLUG or SLUG/ENVIRONMENT; with billing summary: the last day.</source>
        <translation>Avec environments promote&#xa0;: l’environnement cible&#xa0;; avec users move&#xa0;: SLUG ou SLUG/ENVIRONNEMENT&#xa0;; avec billing summary&#xa0;: le dernier jour.</translation>
    </message>
    <message>
        <source>With environments promote: the settings, comma-separated.</source>
        <translation>Avec environments promote&#xa0;: les paramètres, séparés par des virgules.</translation>
    </message>
    <message>
        <source>With environments promote: every setting either environment has; with users list: every user that matches.</source>
        <translation>Avec environments promote&#xa0;: tous les paramètres de l’un ou l’autre environnement&#xa0;; avec users list&#xa0;: tous les utilisateurs correspondants.</translation>
    </message>
    <message>
        <source>With environments promote: show the differences, change nothing; with import: check only, write nothing.</source>
        <translation>Avec environments promote&#xa0;: afficher les différences sans rien modifier&#xa0;; avec import&#xa0;: vérifier seulement, sans rien écrire.</translation>
    </message>
    <message>
        <source>With export: the file to write (default: standard output).</source>
        <translation>Avec export&#xa0;: le fichier à écrire (par défaut&#xa0;: la sortie standard).</translation>
    </message>
    <message>
        <source>A tenant&apos;s slug: with audit, only its events; with users and roles, the tenant they are members or roles of.</source>
        <translation>L’identifiant court d’un locataire&#xa0;: avec audit, uniquement ses événements&#xa0;; avec users et roles, le locataire dont ils sont membres ou rôles.</translation>
    </message>
    <message>
        <source>With audit list: only this actor&apos;s events.</source>
        <translation>Avec audit list&#xa0;: uniquement les événements de cet acteur.</translation>
    </message>
    <message>
        <source>With audit list: this action, or a prefix ending in “.”.</source>
        <translation>Avec audit list&#xa0;: cette action, ou un préfixe terminé par «&#xa0;.&#xa0;».</translation>
    </message>
    <message>
        <source>With audit list: events at or after this time.</source>
        <translation>Avec audit list&#xa0;: les événements à partir de cette heure.</translation>
    </message>
    <message>
        <source>With audit list: events before this time.</source>
        <translation>Avec audit list&#xa0;: les événements antérieurs à cette heure.</translation>
    </message>
    <message>
        <source>With audit list: events whose object, actor or values contain this text.</source>
        <translation>Avec audit list&#xa0;: les événements dont l’objet, l’acteur ou les valeurs contiennent ce texte.</translation>
    </message>
    <message>
        <source>With audit list: how many events (default 50); with users list: how many users (default 100).</source>
        <translation>Avec audit list&#xa0;: nombre d’événements (par défaut 50)&#xa0;; avec users list&#xa0;: nombre d’utilisateurs (par défaut 100).</translation>
    </message>
    <message>
        <source>With users and roles: an environment of --tenant, by name.</source>
        <translation>Avec users et roles&#xa0;: un environnement de --tenant, par son nom.</translation>
    </message>
    <message>
        <source>With users: a role, by name (built in, or a custom role of --tenant or its ancestors).</source>
        <translation>Avec users&#xa0;: un rôle, par son nom (intégré, ou rôle personnalisé de --tenant ou de ses ancêtres).</translation>
    </message>
    <message>
        <source>With users: invited, active or disabled.</source>
        <translation>Avec users&#xa0;: invited, active ou disabled.</translation>
    </message>
    <message>
        <source>With users list: users whose name or e-mail address contains this text.</source>
        <translation>Avec users list&#xa0;: les utilisateurs dont le nom ou l’adresse e-mail contient ce texte.</translation>
    </message>
    <message>
        <source>With users list: name, email, status, last-sign-in or created.</source>
        <translation>Avec users list&#xa0;: name, email, status, last-sign-in ou created.</translation>
    </message>
    <message>
        <source>With users list: sort in descending order.</source>
        <translation>Avec users list&#xa0;: trier par ordre décroissant.</translation>
    </message>
    <message>
        <source>With users update: the new e-mail address.</source>
        <translation>Avec users update&#xa0;: la nouvelle adresse e-mail.</translation>
    </message>
    <message>
        <source>With roles create: tenant (the default) or environment.</source>
        <translation>Avec roles create&#xa0;: tenant (par défaut) ou environment.</translation>
    </message>
    <message>
        <source>With roles: a permission (resource.action), repeated or comma-separated; none for none.</source>
        <translation>Avec roles&#xa0;: une autorisation (ressource.action), répétée ou séparée par des virgules&#xa0;; none pour aucune.</translation>
    </message>
    <message>
        <source>With roles: a role the role includes, repeated; none for none.</source>
        <translation>Avec roles&#xa0;: un rôle inclus par le rôle, répété&#xa0;; none pour aucun.</translation>
    </message>
    <message>
        <source>With roles: what the role is for.</source>
        <translation>Avec roles&#xa0;: à quoi sert le rôle.</translation>
    </message>
    <message>
        <source>With billing import: the file&apos;s format (focus, aws-cur, aws-cur2, azure-ea, azure-mca); detected from the header otherwise.</source>
        <translation>Avec billing import&#xa0;: le format du fichier (focus, aws-cur, aws-cur2, azure-ea, azure-mca)&#xa0;; sinon détecté d’après l’en-tête.</translation>
    </message>
    <message>
        <source>With billing import: a tag key whose value is a tenant&apos;s slug (added to the attribution rules).</source>
        <translation>Avec billing import&#xa0;: une clé d’étiquette dont la valeur est l’identifiant court d’un locataire (ajoutée aux règles d’attribution).</translation>
    </message>
    <message>
        <source>With billing import: what to do when the same file was imported before: refuse (the default), skip or replace.</source>
        <translation>Avec billing import&#xa0;: que faire si le même fichier a déjà été importé&#xa0;: refuse (par défaut), skip ou replace.</translation>
    </message>
    <message>
        <source>With billing summary: group by tenant, service and month, comma-separated (default: tenant).</source>
        <translation>Avec billing summary&#xa0;: regrouper par tenant, service et month, séparés par des virgules (par défaut&#xa0;: tenant).</translation>
    </message>
    <message>
        <source>With billing summary: print CSV.</source>
        <translation>Avec billing summary&#xa0;: afficher du CSV.</translation>
    </message>
    <message>
        <source>With billing report: the PDF file to write.</source>
        <translation>Avec billing report&#xa0;: le fichier PDF à écrire.</translation>
    </message>
    <message>
        <source>With billing report: the XLSX file to write.</source>
        <translation>Avec billing report&#xa0;: le fichier XLSX à écrire.</translation>
    </message>
    <message>
        <source>With billing report: read branding packs from &lt;dir&gt;/&lt;tenant slug&gt;/ first (see docs/BRANDING.md).</source>
        <translation>Avec billing report : lire d’abord les packs de marque dans &lt;dir&gt;/&lt;tenant slug&gt;/ (voir docs/BRANDING.md).</translation>
    </message>
</context>
</TS>
