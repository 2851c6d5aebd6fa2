<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AttributionJson</name>
    <message>
        <source>%1: expected %2.</source>
        <translation>%1: %2 erwartet.</translation>
    </message>
    <message>
        <source>one of %1 (unknown field)</source>
        <translation>einen der Werte %1 (unbekanntes Feld)</translation>
    </message>
    <message>
        <source>a string</source>
        <translation>eine Zeichenkette</translation>
    </message>
    <message>
        <source>a tenant id (a positive whole number)</source>
        <translation>eine Mandanten-ID (eine positive ganze Zahl)</translation>
    </message>
    <message>
        <source>an array</source>
        <translation>ein Array</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>ein Objekt</translation>
    </message>
    <message>
        <source>one of %1</source>
        <translation>einen der Werte %1</translation>
    </message>
    <message>
        <source>a non-negative whole number</source>
        <translation>eine nicht negative ganze Zahl</translation>
    </message>
    <message>
        <source>a tenant id (the field is missing)</source>
        <translation>eine Mandanten-ID (das Feld fehlt)</translation>
    </message>
</context>
<context>
    <name>BillingFile</name>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1, line %2: %3</source>
        <translation>%1, Zeile %2: %3</translation>
    </message>
    <message>
        <source>%1, line %2, column %3: %4</source>
        <translation>%1, Zeile %2, Spalte %3: %4</translation>
    </message>
    <message>
        <source>%1: the file has no such column; BilledCost is used</source>
        <translation>%1: Die Datei hat keine solche Spalte; BilledCost wird verwendet</translation>
    </message>
    <message>
        <source>ServiceCategory is not in this format: it is derived from %1 for well-known services</source>
        <translation>ServiceCategory gibt es in diesem Format nicht: Für bekannte Dienste wird sie aus %1 abgeleitet</translation>
    </message>
</context>
<context>
    <name>DatabaseLocation</name>
    <message>
        <source>“%1” is not a PostgreSQL address; write postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation>„%1“ ist keine PostgreSQL-Adresse; schreiben Sie postgresql://BENUTZER@HOST:PORT/DATENBANK.</translation>
    </message>
    <message>
        <source>No database file was given.</source>
        <translation>Es wurde keine Datenbankdatei angegeben.</translation>
    </message>
</context>
<context>
    <name>Decommission</name>
    <message>
        <source>Back up the tenant&apos;s data to a file</source>
        <translation>Die Daten des Mandanten in einer Datei sichern</translation>
    </message>
    <message>
        <source>Notify the tenant&apos;s users</source>
        <translation>Die Benutzer des Mandanten benachrichtigen</translation>
    </message>
    <message>
        <source>Release the tenant&apos;s resources</source>
        <translation>Die Ressourcen des Mandanten freigeben</translation>
    </message>
    <message>
        <source>Delete the tenant&apos;s data</source>
        <translation>Die Daten des Mandanten löschen</translation>
    </message>
    <message>
        <source>Finalise billing</source>
        <translation>Abrechnung abschließen</translation>
    </message>
</context>
<context>
    <name>DetailForm</name>
    <message>
        <source>Unlimited</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
</context>
<context>
    <name>Edits</name>
    <message>
        <source>Change %1</source>
        <translation>%1 ändern</translation>
    </message>
    <message>
        <source>Create %1</source>
        <translation>%1 anlegen</translation>
    </message>
    <message>
        <source>Move %1</source>
        <translation>%1 verschieben</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Add environment %1</source>
        <translation>Umgebung %1 hinzufügen</translation>
    </message>
    <message>
        <source>Remove environment %1</source>
        <translation>Umgebung %1 entfernen</translation>
    </message>
    <message>
        <source>Create role %1</source>
        <translation>Rolle %1 anlegen</translation>
    </message>
    <message>
        <source>Delete role %1</source>
        <translation>Rolle %1 löschen</translation>
    </message>
    <message>
        <source>Change role %1</source>
        <translation>Rolle %1 ändern</translation>
    </message>
    <message>
        <source>Change user %1</source>
        <translation>Benutzer %1 ändern</translation>
    </message>
</context>
<context>
    <name>Environment</name>
    <message>
        <source>Production</source>
        <translation>Produktion</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>Staging</translation>
    </message>
    <message>
        <source>Development</source>
        <translation>Entwicklung</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>Sandbox</translation>
    </message>
</context>
<context>
    <name>JsonCodec</name>
    <message>
        <source>%1: expected %2.</source>
        <translation>%1: %2 erwartet.</translation>
    </message>
    <message>
        <source>%1: this field is unknown or cannot be set here (known: %2).</source>
        <translation>%1: Dieses Feld ist unbekannt oder kann hier nicht gesetzt werden (bekannt: %2).</translation>
    </message>
</context>
<context>
    <name>PromoteDialog</name>
    <message>
        <source>(not set)</source>
        <translation>(nicht gesetzt)</translation>
    </message>
</context>
<context>
    <name>RoleListModel</name>
    <message>
        <source>Platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
</context>
<context>
    <name>RolesPage</name>
    <message>
        <source>New Role</source>
        <translation>Neue Rolle</translation>
    </message>
    <message>
        <source>A custom role of %1. Its permissions and the roles it includes are chosen on the page once it exists.</source>
        <translation>Eine eigene Rolle von %1. Ihre Berechtigungen und die enthaltenen Rollen werden auf der Seite gewählt, sobald sie existiert.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>&amp;Scope:</source>
        <translation>&amp;Geltungsbereich:</translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation>&amp;Anlegen</translation>
    </message>
</context>
<context>
    <name>SqlSession</name>
    <message numerus="yes">
        <source>“%1” is still granted %n time(s); take it away from its members first.</source>
        <translation>
            <numerusform>„%1“ ist noch %n-mal zugewiesen; entziehen Sie die Rolle zuerst ihren Mitgliedern.</numerusform>
            <numerusform>„%1“ ist noch %n-mal zugewiesen; entziehen Sie die Rolle zuerst ihren Mitgliedern.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The change to %n user(s) was cancelled; nothing was changed.</source>
        <translation>
            <numerusform>Die Änderung an %n Benutzer wurde abgebrochen; nichts wurde geändert.</numerusform>
            <numerusform>Die Änderung an %n Benutzern wurde abgebrochen; nichts wurde geändert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SqlStore</name>
    <message>
        <source>The database is locked by another program; close it and generate the demo again.</source>
        <translation>Die Datenbank ist von einem anderen Programm gesperrt; schließen Sie es und erzeugen Sie die Demo erneut.</translation>
    </message>
    <message>
        <source>The demo data could not be written: the disk is full or failed.</source>
        <translation>Die Demodaten konnten nicht geschrieben werden: Der Datenträger ist voll oder defekt.</translation>
    </message>
    <message>
        <source>Could not write the demo data (%1).</source>
        <translation>Die Demodaten konnten nicht geschrieben werden (%1).</translation>
    </message>
</context>
<context>
    <name>Store</name>
    <message>
        <source>The operation was cancelled.</source>
        <translation>Der Vorgang wurde abgebrochen.</translation>
    </message>
    <message>
        <source>An unexpected error occurred; please report it.</source>
        <translation>Ein unerwarteter Fehler ist aufgetreten; bitte melden Sie ihn.</translation>
    </message>
</context>
<context>
    <name>Tenant</name>
    <message>
        <source>A slug has 2 to 100 characters; &quot;%1&quot; has %2.</source>
        <translation>Ein Kürzel hat 2 bis 100 Zeichen; „%1“ hat %2.</translation>
    </message>
    <message>
        <source>A slug uses lower-case letters, digits and hyphens in dot-separated parts, each starting and ending with a letter or digit; &quot;%1&quot; does not.</source>
        <translation>Ein Kürzel besteht aus Kleinbuchstaben, Ziffern und Bindestrichen in durch Punkte getrennten Teilen, die jeweils mit einem Buchstaben oder einer Ziffer beginnen und enden; „%1“ nicht.</translation>
    </message>
</context>
<context>
    <name>TenantDesk</name>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>its hash does not match its contents: it was changed after it was written</source>
        <translation>sein Hash passt nicht zu seinem Inhalt: Es wurde nach dem Schreiben verändert</translation>
    </message>
    <message>
        <source>it is the first event of its chain here but names a predecessor (%1): the events before it were deleted</source>
        <translation>es ist hier das erste Ereignis seiner Kette, nennt aber einen Vorgänger (%1): Die Ereignisse davor wurden gelöscht</translation>
    </message>
    <message>
        <source>it does not follow event %1 (it names predecessor %2, event %1 has hash %3): an event between them was deleted or inserted</source>
        <translation>es folgt nicht auf Ereignis %1 (es nennt Vorgänger %2, Ereignis %1 hat den Hash %3): Ein Ereignis dazwischen wurde gelöscht oder eingefügt</translation>
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
        <translation>Azure-Kostendetails (EA)</translation>
    </message>
    <message>
        <source>Azure cost details (MCA)</source>
        <translation>Azure-Kostendetails (MCA)</translation>
    </message>
    <message>
        <source>There is no tenant with id %1 that you may see.</source>
        <translation>Es gibt keinen Mandanten mit der ID %1, den Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>The keychain holds nothing for %1.</source>
        <translation>Der Schlüsselbund enthält nichts für %1.</translation>
    </message>
    <message>
        <source>The keychain refused access (is it locked?).</source>
        <translation>Der Schlüsselbund hat den Zugriff verweigert (ist er gesperrt?).</translation>
    </message>
    <message>
        <source>No keychain is available (no Secret Service such as GNOME Keyring or KWallet answers), so you will be asked for your password each time.</source>
        <translation>Kein Schlüsselbund verfügbar (kein Secret Service wie GNOME Keyring oder KWallet antwortet), daher werden Sie jedes Mal nach Ihrem Passwort gefragt.</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, such as https://tenants.example.com.</source>
        <translation>Geben Sie die Adresse des Servers ein, etwa https://tenants.example.com.</translation>
    </message>
    <message>
        <source>“%1” is not a server address; write it as https://host or https://host:port.</source>
        <translation>„%1“ ist keine Serveradresse; schreiben Sie sie als https://host oder https://host:port.</translation>
    </message>
    <message>
        <source>The address must start with https:// (not %1://).</source>
        <translation>Die Adresse muss mit https:// beginnen (nicht mit %1://).</translation>
    </message>
    <message>
        <source>Use https:// for %1: with plain http your password would cross the network unencrypted.</source>
        <translation>Verwenden Sie https:// für %1: Mit einfachem http ginge Ihr Passwort unverschlüsselt über das Netz.</translation>
    </message>
    <message>
        <source>The address should hold only the server and port, such as https://host:8443.</source>
        <translation>Die Adresse sollte nur Server und Port enthalten, etwa https://host:8443.</translation>
    </message>
    <message>
        <source>Could not open “%1”: Qt&apos;s PostgreSQL driver (QPSQL) is not installed. Install it (Debian: libqt6sql6-psql).</source>
        <translation>„%1“ kann nicht geöffnet werden: Der PostgreSQL-Treiber von Qt (QPSQL) ist nicht installiert. Installieren Sie ihn (Debian: libqt6sql6-psql).</translation>
    </message>
    <message>
        <source>“%1” has a connection parameter that TenantDesk cannot pass on: “%2”.</source>
        <translation>„%1“ hat einen Verbindungsparameter, den TenantDesk nicht weitergeben kann: „%2“.</translation>
    </message>
    <message>
        <source>%1: the schema is to be created by the role that owns TenantDesk&apos;s tables, not by tenantdesk_app, the role tenantdesk-server connects as. Connect as the owner role (see docs/POSTGRESQL.md).</source>
        <translation>%1: Das Schema ist von der Rolle anzulegen, der die Tabellen von TenantDesk gehören, nicht von tenantdesk_app, der Rolle, mit der sich tenantdesk-server verbindet. Verbinden Sie sich als Eigentümerrolle (siehe docs/POSTGRESQL.md).</translation>
    </message>
    <message>
        <source>%1: the role tenantdesk_app on “%2” is a superuser or may bypass row-level security, so tenants would not be kept apart. Run ALTER ROLE tenantdesk_app NOSUPERUSER NOBYPASSRLS, then open the database again.</source>
        <translation>%1: Die Rolle tenantdesk_app auf „%2“ ist Superuser oder darf die Sicherheit auf Zeilenebene umgehen, sodass Mandanten nicht getrennt blieben. Führen Sie ALTER ROLE tenantdesk_app NOSUPERUSER NOBYPASSRLS aus und öffnen Sie die Datenbank erneut.</translation>
    </message>
    <message>
        <source>%1: could not give the role tenantdesk_app its rights on the tables of “%2”. Connect as the role that owns them (see docs/POSTGRESQL.md).</source>
        <translation>%1: Der Rolle tenantdesk_app konnten ihre Rechte an den Tabellen von „%2“ nicht gegeben werden. Verbinden Sie sich als die Rolle, der sie gehören (siehe docs/POSTGRESQL.md).</translation>
    </message>
    <message>
        <source>Could not open “%1”</source>
        <translation>„%1“ konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>“%1” runs %2; TenantDesk needs PostgreSQL 12 or newer.</source>
        <translation>„%1“ läuft mit %2; TenantDesk braucht PostgreSQL 12 oder neuer.</translation>
    </message>
    <message>
        <source>“%1” has no schema on the user&apos;s search_path to keep TenantDesk&apos;s tables in. Create one, or set the search_path.</source>
        <translation>„%1“ hat im search_path des Benutzers kein Schema für die Tabellen von TenantDesk. Legen Sie eines an oder setzen Sie den search_path.</translation>
    </message>
    <message>
        <source>“%1” is an empty PostgreSQL database, not a TenantDesk database.</source>
        <translation>„%1“ ist eine leere PostgreSQL-Datenbank, keine TenantDesk-Datenbank.</translation>
    </message>
    <message>
        <source>“%1” is a PostgreSQL database of another application, not a TenantDesk database.</source>
        <translation>„%1“ ist eine PostgreSQL-Datenbank einer anderen Anwendung, keine TenantDesk-Datenbank.</translation>
    </message>
    <message>
        <source>“%1” was written by a newer TenantDesk (schema version %2; this TenantDesk reads up to version %3). Update TenantDesk to open it.</source>
        <translation>„%1“ wurde von einem neueren TenantDesk geschrieben (Schemaversion %2; dieses TenantDesk liest bis Version %3). Aktualisieren Sie TenantDesk, um sie zu öffnen.</translation>
    </message>
    <message>
        <source>Could not bring “%1” up to date</source>
        <translation>„%1“ konnte nicht aktualisiert werden</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>Could not read the users</source>
        <translation>Die Benutzer konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read an environment</source>
        <translation>Eine Umgebung konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>There is no environment with id %1; it may have been removed.</source>
        <translation>Es gibt keine Umgebung mit der ID %1; sie wurde möglicherweise entfernt.</translation>
    </message>
    <message>
        <source>Could not change the tenant</source>
        <translation>Der Mandant konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>Could not change the environment</source>
        <translation>Die Umgebung konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>Could not check the slug</source>
        <translation>Das Kürzel konnte nicht geprüft werden</translation>
    </message>
    <message>
        <source>slug: “%1” is taken by the tenant “%2”; choose another.</source>
        <translation>Kürzel: „%1“ ist vom Mandanten „%2“ belegt; wählen Sie ein anderes.</translation>
    </message>
    <message>
        <source>Could not check the environment&apos;s name</source>
        <translation>Der Name der Umgebung konnte nicht geprüft werden</translation>
    </message>
    <message>
        <source>name: the tenant already has an environment called “%1”.</source>
        <translation>Name: Der Mandant hat bereits eine Umgebung namens „%1“.</translation>
    </message>
    <message>
        <source>%1: “%2” is %3; its data no longer changes.</source>
        <translation>%1: „%2“ ist %3; seine Daten ändern sich nicht mehr.</translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation>Die Umgebung konnte nicht hinzugefügt werden</translation>
    </message>
    <message>
        <source>Could not read a user</source>
        <translation>Ein Benutzer konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>There is no user with id %1; they may have been deleted.</source>
        <translation>Es gibt keinen Benutzer mit der ID %1; er wurde möglicherweise gelöscht.</translation>
    </message>
    <message>
        <source>Could not lock the row to change</source>
        <translation>Die zu ändernde Zeile konnte nicht gesperrt werden</translation>
    </message>
    <message>
        <source>Could not read a role</source>
        <translation>Eine Rolle konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>There is no role with id %1; it may have been deleted.</source>
        <translation>Es gibt keine Rolle mit der ID %1; sie wurde möglicherweise gelöscht.</translation>
    </message>
    <message>
        <source>Could not count the sub-tenants</source>
        <translation>Die Untermandanten konnten nicht gezählt werden</translation>
    </message>
    <message>
        <source>“%1” is being retired; it takes no new members.</source>
        <translation>„%1“ wird stillgelegt; es nimmt keine neuen Mitglieder auf.</translation>
    </message>
    <message>
        <source>“%1” has no environment with id %2.</source>
        <translation>„%1“ hat keine Umgebung mit der ID %2.</translation>
    </message>
    <message>
        <source>the role “%1” belongs to another tenant; it cannot be granted on “%2”.</source>
        <translation>Die Rolle „%1“ gehört zu einem anderen Mandanten; sie kann nicht auf „%2“ zugewiesen werden.</translation>
    </message>
    <message>
        <source>“%1” is a platform role; platform roles are held across tenants, not granted on one.</source>
        <translation>„%1“ ist eine Plattformrolle; Plattformrollen gelten mandantenübergreifend und werden nicht auf einem Mandanten zugewiesen.</translation>
    </message>
    <message>
        <source>“%1” is an environment role; grant it on one of the tenant&apos;s environments.</source>
        <translation>„%1“ ist eine Umgebungsrolle; weisen Sie sie auf einer der Umgebungen des Mandanten zu.</translation>
    </message>
    <message>
        <source>Could not read the memberships</source>
        <translation>Die Mitgliedschaften konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>“%1” is no permission TenantDesk knows (expected one of %2).</source>
        <translation>„%1“ ist keine TenantDesk bekannte Berechtigung (erwartet: eine von %2).</translation>
    </message>
    <message>
        <source>there is no role with id %1 here.</source>
        <translation>Hier gibt es keine Rolle mit der ID %1.</translation>
    </message>
    <message>
        <source>a role cannot include itself.</source>
        <translation>Eine Rolle kann sich nicht selbst enthalten.</translation>
    </message>
    <message>
        <source>“%1” cannot include “%2”: a role includes only built-in roles and roles of its own tenant, of no wider scope.</source>
        <translation>„%1“ kann „%2“ nicht enthalten: Eine Rolle enthält nur integrierte Rollen und Rollen ihres eigenen Mandanten, mit keinem weiteren Geltungsbereich.</translation>
    </message>
    <message>
        <source>including these roles would make a cycle: %1.</source>
        <translation>Das Einbeziehen dieser Rollen ergäbe einen Zyklus: %1.</translation>
    </message>
    <message>
        <source>Could not check the role&apos;s name</source>
        <translation>Der Name der Rolle konnte nicht geprüft werden</translation>
    </message>
    <message>
        <source>“%1” is the name of a built-in or platform role.</source>
        <translation>„%1“ ist der Name einer integrierten Rolle oder Plattformrolle.</translation>
    </message>
    <message>
        <source>there is a role called “%1” already.</source>
        <translation>Es gibt bereits eine Rolle namens „%1“.</translation>
    </message>
    <message>
        <source>Could not save the role</source>
        <translation>Die Rolle konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>The file is not a usable tenant backup: %1: expected %2.</source>
        <translation>Die Datei ist keine verwendbare Mandantensicherung: %1: %2 erwartet.</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>eine Liste</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>ein Objekt</translation>
    </message>
    <message>
        <source>text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>cursor: this cursor belongs to another query or order; start again from the first page.</source>
        <translation>cursor: Dieser Cursor gehört zu einer anderen Abfrage oder Sortierung; beginnen Sie erneut mit der ersten Seite.</translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation>Nicht zugeordnet</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>(no service)</source>
        <translation>(kein Dienst)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Summe</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>%1 kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Generated %1 by %2</source>
        <translation>Erstellt %1 von %2</translation>
    </message>
    <message>
        <source>Billed cost</source>
        <translation>Abgerechnete Kosten</translation>
    </message>
    <message>
        <source>Shared cost spread</source>
        <translation>Verteilte gemeinsame Kosten</translation>
    </message>
    <message>
        <source>Month over month (%1 against %2)</source>
        <translation>Monatsvergleich (%1 gegenüber %2)</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>Zuletzt</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Change %</source>
        <translation>Änderung %</translation>
    </message>
    <message>
        <source>Tenants</source>
        <translation>Mandanten</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Dienste</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation>Budgets</translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation>Monatsbudget</translation>
    </message>
    <message>
        <source>Cost, latest month</source>
        <translation>Kosten im letzten Monat</translation>
    </message>
    <message>
        <source>Used %</source>
        <translation>Verbraucht %</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Service category</source>
        <translation>Dienstkategorie</translation>
    </message>
    <message>
        <source>Month</source>
        <translation>Monat</translation>
    </message>
    <message>
        <source>Effective cost</source>
        <translation>Effektive Kosten</translation>
    </message>
    <message>
        <source>List cost</source>
        <translation>Listenkosten</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Gemeinsam</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Generated %1.</source>
        <translation>Erstellt %1.</translation>
    </message>
    <message>
        <source>Other tenants</source>
        <translation>Andere Mandanten</translation>
    </message>
    <message>
        <source>Cost per month by tenant</source>
        <translation>Kosten pro Monat nach Mandant</translation>
    </message>
    <message>
        <source>Cost by tenant</source>
        <translation>Kosten nach Mandant</translation>
    </message>
    <message>
        <source>Cost by service</source>
        <translation>Kosten nach Dienst</translation>
    </message>
    <message>
        <source>Month over month: %1 against %2</source>
        <translation>Monatsvergleich: %1 gegenüber %2</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Verbraucht</translation>
    </message>
    <message>
        <source>Keycloak&apos;s own role for offline tokens</source>
        <translation>Keycloaks eigene Rolle für Offline-Tokens</translation>
    </message>
    <message>
        <source>Keycloak&apos;s own role for User-Managed Access</source>
        <translation>Keycloaks eigene Rolle für User-Managed Access</translation>
    </message>
    <message>
        <source>Keycloak&apos;s holder of the roles it grants at registration</source>
        <translation>Keycloaks Träger der Rollen, die bei der Registrierung vergeben werden</translation>
    </message>
    <message>
        <source>Keycloak&apos;s administration of the realm itself</source>
        <translation>Keycloaks Verwaltung des Realms selbst</translation>
    </message>
    <message>
        <source>Keycloak&apos;s identity brokering</source>
        <translation>Keycloaks Identity Brokering</translation>
    </message>
    <message>
        <source>Keycloak&apos;s own account console</source>
        <translation>Keycloaks eigene Kontokonsole</translation>
    </message>
    <message>
        <source>Keycloak&apos;s admin console</source>
        <translation>Keycloaks Administrationskonsole</translation>
    </message>
    <message>
        <source>Keycloak&apos;s command-line administration</source>
        <translation>Keycloaks Administration über die Befehlszeile</translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2 at offset %3 (line %4).</source>
        <translation>%1 ist kein gültiges JSON: %2 an Position %3 (Zeile %4).</translation>
    </message>
    <message>
        <source>%1 is not a Keycloak realm export: it has no “realm” field.</source>
        <translation>%1 ist kein Keycloak-Realm-Export: Es fehlt das Feld „realm“.</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 holds an empty array: no realm to import.</source>
        <translation>%1 enthält ein leeres Array: kein Realm zu importieren.</translation>
    </message>
    <message>
        <source>%1, realm %2 of %3</source>
        <translation>%1, Realm %2 von %3</translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation>Der Ordner %1 existiert nicht.</translation>
    </message>
    <message>
        <source>The folder %1 holds no &lt;realm&gt;-realm.json file of a Keycloak export.</source>
        <translation>Der Ordner %1 enthält keine Datei &lt;realm&gt;-realm.json eines Keycloak-Exports.</translation>
    </message>
    <message>
        <source>%1 not read: users of a user federation (LDAP, Kerberos...) stay in their directory.</source>
        <translation>%1 nicht gelesen: Benutzer einer Benutzerföderation (LDAP, Kerberos…) bleiben in ihrem Verzeichnis.</translation>
    </message>
    <message>
        <source>%1 holds users of a realm without a %2-realm.json file in the folder.</source>
        <translation>%1 enthält Benutzer eines Realms ohne Datei %2-realm.json im Ordner.</translation>
    </message>
    <message>
        <source>The server&apos;s answer to %1 cannot be read: %2</source>
        <translation>Die Antwort des Servers auf %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The e-mail address is empty.</source>
        <translation>Die E-Mail-Adresse ist leer.</translation>
    </message>
    <message>
        <source>“%1” is not a status: use invited, active or disabled.</source>
        <translation>„%1“ ist kein Status: Verwenden Sie invited, active oder disabled.</translation>
    </message>
    <message>
        <source>A membership needs a role: this names %1 but no role.</source>
        <translation>Eine Mitgliedschaft braucht eine Rolle: Hier ist %1 genannt, aber keine Rolle.</translation>
    </message>
    <message>
        <source>environment “%1”</source>
        <translation>Umgebung „%1“</translation>
    </message>
    <message>
        <source>tenant “%1”</source>
        <translation>Mandant „%1“</translation>
    </message>
    <message>
        <source>The role “%1” needs a tenant: none is named here and the import has no tenant of its own.</source>
        <translation>Die Rolle „%1“ braucht einen Mandanten: Hier ist keiner genannt, und der Import hat keinen eigenen Mandanten.</translation>
    </message>
    <message>
        <source>The file is not UTF-8: the bytes at offset %1 (counted from 0; line %2) are no UTF-8 character. Save it as UTF-8 and import it again.</source>
        <translation>Die Datei ist nicht UTF-8: Die Bytes an Position %1 (ab 0 gezählt; Zeile %2) sind kein UTF-8-Zeichen. Speichern Sie sie als UTF-8 und importieren Sie sie erneut.</translation>
    </message>
    <message>
        <source>“%1” is too long for an e-mail address (at most 254 characters).</source>
        <translation>„%1“ ist zu lang für eine E-Mail-Adresse (höchstens 254 Zeichen).</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: it needs exactly one “@”.</source>
        <translation>„%1“ ist keine E-Mail-Adresse: Sie braucht genau ein „@“.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: it needs a name before the “@” and a domain after it.</source>
        <translation>„%1“ ist keine E-Mail-Adresse: Sie braucht einen Namen vor dem „@“ und eine Domain danach.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: “%2” may not appear before the “@”.</source>
        <translation>„%1“ ist keine E-Mail-Adresse: „%2“ darf nicht vor dem „@“ stehen.</translation>
    </message>
    <message>
        <source>a blank</source>
        <translation>ein Leerzeichen</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: the part before the “@” may not start or end with a dot or have two in a row.</source>
        <translation>„%1“ ist keine E-Mail-Adresse: Der Teil vor dem „@“ darf nicht mit einem Punkt beginnen oder enden und keine zwei Punkte hintereinander haben.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: the domain after the “@” is dot-separated names of letters, digits and hyphens.</source>
        <translation>„%1“ ist keine E-Mail-Adresse: Die Domain nach dem „@“ besteht aus durch Punkte getrennten Namen aus Buchstaben, Ziffern und Bindestrichen.</translation>
    </message>
    <message>
        <source>The file is empty: it needs a header row naming the columns, at least “email”.</source>
        <translation>Die Datei ist leer: Sie braucht eine Kopfzeile, die die Spalten nennt, mindestens „email“.</translation>
    </message>
    <message>
        <source>The column “%1” appears twice (columns %2 and %3).</source>
        <translation>Die Spalte „%1“ kommt zweimal vor (Spalten %2 und %3).</translation>
    </message>
    <message>
        <source>The header row has no “email” column; it names: %1.</source>
        <translation>Die Kopfzeile hat keine Spalte „email“; sie nennt: %1.</translation>
    </message>
    <message>
        <source>Columns ignored (not read by this import): %1.</source>
        <translation>Ignorierte Spalten (von diesem Import nicht gelesen): %1.</translation>
    </message>
    <message>
        <source>A quoted field starts on line %1 but its closing quote never comes.</source>
        <translation>Ein Feld in Anführungszeichen beginnt in Zeile %1, aber das schließende Anführungszeichen fehlt.</translation>
    </message>
    <message>
        <source>line %1</source>
        <translation>Zeile %1</translation>
    </message>
    <message>
        <source>This row has %1 fields but the header has %2.</source>
        <translation>Diese Zeile hat %1 Felder, die Kopfzeile aber %2.</translation>
    </message>
    <message>
        <source>%1 rows read: %2 users with %3 memberships.</source>
        <translation>%1 Zeilen gelesen: %2 Benutzer mit %3 Mitgliedschaften.</translation>
    </message>
    <message>
        <source>The file is not valid JSON: %1 at offset %2 (line %3).</source>
        <translation>Die Datei ist kein gültiges JSON: %1 an Position %2 (Zeile %3).</translation>
    </message>
    <message>
        <source>The file holds neither an object with a “users” array nor an array of users.</source>
        <translation>Die Datei enthält weder ein Objekt mit einem Array „users“ noch ein Array von Benutzern.</translation>
    </message>
    <message>
        <source>record %1</source>
        <translation>Datensatz %1</translation>
    </message>
    <message>
        <source>A user is a JSON object; record %1 is not.</source>
        <translation>Ein Benutzer ist ein JSON-Objekt; Datensatz %1 ist keines.</translation>
    </message>
    <message>
        <source>“%1” is to be a string.</source>
        <translation>„%1“ muss eine Zeichenkette sein.</translation>
    </message>
    <message>
        <source>“memberships” is to be an array.</source>
        <translation>„memberships“ muss ein Array sein.</translation>
    </message>
    <message>
        <source>A membership is a JSON object.</source>
        <translation>Eine Mitgliedschaft ist ein JSON-Objekt.</translation>
    </message>
    <message>
        <source>%1 records read: %2 users with %3 memberships.</source>
        <translation>%1 Datensätze gelesen: %2 Benutzer mit %3 Mitgliedschaften.</translation>
    </message>
    <message>
        <source>billing export</source>
        <translation>Abrechnungsexport</translation>
    </message>
    <message>
        <source>%1 is not a number</source>
        <translation>%1 ist keine Zahl</translation>
    </message>
    <message>
        <source>%1 has more than 18 decimals</source>
        <translation>%1 hat mehr als 18 Nachkommastellen</translation>
    </message>
    <message>
        <source>%1 is too large for an amount</source>
        <translation>%1 ist zu groß für einen Betrag</translation>
    </message>
    <message>
        <source>%1 is not a date and time (expected 2024-09-01T00:00:00Z, 2024-09-01 00:00:00 or 09/01/2024)</source>
        <translation>%1 ist kein Datum mit Uhrzeit (erwartet: 2024-09-01T00:00:00Z, 2024-09-01 00:00:00 oder 09/01/2024)</translation>
    </message>
    <message>
        <source>%1 is not a valid date and time</source>
        <translation>%1 ist kein gültiges Datum mit Uhrzeit</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: the tag %2 is not written as key:value</source>
        <translation>%1: Das Tag %2 ist nicht als Schlüssel:Wert geschrieben</translation>
    </message>
    <message>
        <source>Attribution rules, budgets and roll-ups are changed by a platform administrator only.</source>
        <translation>Zuordnungsregeln, Budgets und Summen ändert nur ein Plattformadministrator.</translation>
    </message>
    <message>
        <source>Could not read the attribution rules</source>
        <translation>Die Zuordnungsregeln konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>The stored attribution rules cannot be read: %1</source>
        <translation>Die gespeicherten Zuordnungsregeln können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>from/to: a billing range needs a start before its end.</source>
        <translation>from/to: Ein Abrechnungszeitraum braucht einen Beginn vor seinem Ende.</translation>
    </message>
    <message>
        <source>Could not read the tenants</source>
        <translation>Die Mandanten konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>a tag key cannot be empty.</source>
        <translation>Ein Tag-Schlüssel darf nicht leer sein.</translation>
    </message>
    <message>
        <source>a tag mapping needs the tag key it reads.</source>
        <translation>Eine Tag-Zuordnung braucht den Tag-Schlüssel, den sie liest.</translation>
    </message>
    <message>
        <source>a mapping needs the value it maps.</source>
        <translation>Eine Zuordnung braucht den Wert, den sie zuordnet.</translation>
    </message>
    <message>
        <source>sub-account %1</source>
        <translation>Unterkonto %1</translation>
    </message>
    <message>
        <source>%1 is mapped to tenant %2 here and to tenant %3 by mappings[%4]; map each value to one tenant.</source>
        <translation>%1 ist hier dem Mandanten %2 und durch mappings[%4] dem Mandanten %3 zugeordnet; ordnen Sie jeden Wert einem einzigen Mandanten zu.</translation>
    </message>
    <message>
        <source>a shared cost needs the service or account it matches.</source>
        <translation>Gemeinsame Kosten brauchen den Dienst oder das Konto, auf den bzw. das sie passen.</translation>
    </message>
    <message>
        <source>there is no tenant with id %1.</source>
        <translation>Es gibt keinen Mandanten mit der ID %1.</translation>
    </message>
    <message>
        <source>Could not rebuild the billing roll-ups</source>
        <translation>Die Abrechnungssummen konnten nicht neu berechnet werden</translation>
    </message>
    <message>
        <source>Billing files are imported and deleted by a platform administrator only.</source>
        <translation>Abrechnungsdateien importiert und löscht nur ein Plattformadministrator.</translation>
    </message>
    <message>
        <source>“%1” is not a plain decimal amount.</source>
        <translation>„%1“ ist kein einfacher Dezimalbetrag.</translation>
    </message>
    <message>
        <source>Could not read the billing imports</source>
        <translation>Die Abrechnungsimporte konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>“%1” was imported before, as “%2” on %3 (import %4). Skip it, or replace that import.</source>
        <translation>„%1“ wurde bereits importiert, als „%2“ am %3 (Import %4). Überspringen Sie die Datei oder ersetzen Sie jenen Import.</translation>
    </message>
    <message>
        <source>the file name is empty</source>
        <translation>der Dateiname ist leer</translation>
    </message>
    <message>
        <source>“%1” is an absolute path; name a file inside the pack</source>
        <translation>„%1“ ist ein absoluter Pfad; nennen Sie eine Datei im Paket</translation>
    </message>
    <message>
        <source>“%1” names a drive, a resource or a URL; name a file inside the pack</source>
        <translation>„%1“ nennt ein Laufwerk, eine Ressource oder eine URL; nennen Sie eine Datei im Paket</translation>
    </message>
    <message>
        <source>“%1” leaves the pack folder (..)</source>
        <translation>„%1“ verlässt den Paketordner (..)</translation>
    </message>
    <message>
        <source>the file is missing</source>
        <translation>die Datei fehlt</translation>
    </message>
    <message>
        <source>the file cannot be read: %1</source>
        <translation>die Datei kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>the file has %1 bytes, more than the limit of %2</source>
        <translation>die Datei hat %1 Bytes, mehr als die Grenze von %2</translation>
    </message>
    <message>
        <source>text follows the tags&apos; closing brace</source>
        <translation>nach der schließenden Klammer der Tags folgt noch Text</translation>
    </message>
    <message>
        <source>Other services</source>
        <translation>Andere Dienste</translation>
    </message>
    <message>
        <source>Cost per month by service</source>
        <translation>Kosten pro Monat nach Dienst</translation>
    </message>
    <message>
        <source>Cost against budget, %1</source>
        <translation>Kosten im Vergleich zum Budget, %1</translation>
    </message>
    <message>
        <source>No billing data matches this report: there is no cost to show.</source>
        <translation>Keine Abrechnungsdaten passen zu diesem Bericht: Es gibt keine Kosten anzuzeigen.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ApiRequest</name>
    <message>
        <source>environment_id: name the environment&apos;s tenant with tenant_id too.</source>
        <translation>environment_id: Nennen Sie den Mandanten der Umgebung auch mit tenant_id.</translation>
    </message>
    <message>
        <source>tenant_id: required.</source>
        <translation>tenant_id: erforderlich.</translation>
    </message>
    <message>
        <source>from/to: required.</source>
        <translation>from/to: erforderlich.</translation>
    </message>
    <message>
        <source>%1: expected true or false.</source>
        <translation>%1: true oder false erwartet.</translation>
    </message>
    <message>
        <source>The body is not valid JSON: %1 at character %2.</source>
        <translation>Der Inhalt ist kein gültiges JSON: %1 bei Zeichen %2.</translation>
    </message>
    <message>
        <source>The body must be a JSON object.</source>
        <translation>Der Inhalt muss ein JSON-Objekt sein.</translation>
    </message>
    <message>
        <source>%1: required, a non-empty string.</source>
        <translation>%1: erforderlich, eine nicht leere Zeichenkette.</translation>
    </message>
    <message>
        <source>%1: at most %2 characters.</source>
        <translation>%1: höchstens %2 Zeichen.</translation>
    </message>
    <message>
        <source>%1: this field is unknown here.</source>
        <translation>%1: Dieses Feld ist hier unbekannt.</translation>
    </message>
    <message>
        <source>%1: expected an id (a positive whole number) or null.</source>
        <translation>%1: eine ID (eine positive ganze Zahl) oder null erwartet.</translation>
    </message>
    <message>
        <source>parent_id: required: the new parent&apos;s id, or null for the top level.</source>
        <translation>parent_id: erforderlich: die ID des neuen übergeordneten Mandanten oder null für die oberste Ebene.</translation>
    </message>
    <message>
        <source>status: “%1” is not a tenant status (%2).</source>
        <translation>status: „%1“ ist kein Mandantenstatus (%2).</translation>
    </message>
    <message>
        <source>source_id: required: the environment whose settings are promoted.</source>
        <translation>source_id: erforderlich: die Umgebung, deren Einstellungen übertragen werden.</translation>
    </message>
    <message>
        <source>keys: required: the names of the settings to promote, in an array.</source>
        <translation>keys: erforderlich: die Namen der zu übertragenden Einstellungen, in einem Array.</translation>
    </message>
    <message>
        <source>keys: expected the names of settings (non-empty strings).</source>
        <translation>keys: Namen von Einstellungen (nicht leere Zeichenketten) erwartet.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ApiServer</name>
    <message>
        <source>Could not open the access log “%1”.</source>
        <translation>Das Zugriffsprotokoll „%1“ konnte nicht geöffnet werden.</translation>
    </message>
    <message>
        <source>The TLS certificate “%1” or its key “%2” cannot be used.</source>
        <translation>Das TLS-Zertifikat „%1“ oder sein Schlüssel „%2“ kann nicht verwendet werden.</translation>
    </message>
    <message>
        <source>There is no such resource.</source>
        <translation>Diese Ressource gibt es nicht.</translation>
    </message>
    <message>
        <source>The body is larger than the server accepts.</source>
        <translation>Der Inhalt ist größer, als der Server annimmt.</translation>
    </message>
    <message>
        <source>The request is malformed.</source>
        <translation>Die Anfrage ist fehlerhaft.</translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation>Es gibt keinen Benutzer mit der E-Mail-Adresse „%1“.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address.</source>
        <translation>„%1“ ist keine E-Mail-Adresse.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ApiServer::Impl</name>
    <message>
        <source>Sign in first: this request carries no access token.</source>
        <translation>Melden Sie sich zuerst an: Diese Anfrage trägt kein Zugriffstoken.</translation>
    </message>
    <message>
        <source>The access token has expired; refresh it or sign in again.</source>
        <translation>Das Zugriffstoken ist abgelaufen; erneuern Sie es oder melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The access token is not valid; sign in again.</source>
        <translation>Das Zugriffstoken ist ungültig; melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The server met an unexpected error; it was logged.</source>
        <translation>Der Server hatte einen unerwarteten Fehler; er wurde protokolliert.</translation>
    </message>
    <message>
        <source>The body must be JSON (Content-Type: application/json).</source>
        <translation>Der Inhalt muss JSON sein (Content-Type: application/json).</translation>
    </message>
    <message>
        <source>There is no tenant with id %1 that you may see.</source>
        <translation>Es gibt keinen Mandanten mit der ID %1, den Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>You may not do this on this tenant (it needs the permission %1).</source>
        <translation>Sie dürfen dies bei diesem Mandanten nicht tun (dazu ist die Berechtigung %1 nötig).</translation>
    </message>
    <message>
        <source>There is no environment with id %1 that you may see.</source>
        <translation>Es gibt keine Umgebung mit der ID %1, die Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>You may not do this on this environment (it needs the permission %1).</source>
        <translation>Sie dürfen dies in dieser Umgebung nicht tun (dazu ist die Berechtigung %1 nötig).</translation>
    </message>
    <message>
        <source>A change needs the If-Match header with the ETag of the version it was made on.</source>
        <translation>Eine Änderung braucht den Header If-Match mit dem ETag der Version, auf der sie beruht.</translation>
    </message>
    <message>
        <source>If-Match: expected an ETag such as &quot;7&quot;.</source>
        <translation>If-Match: ein ETag wie &quot;7&quot; erwartet.</translation>
    </message>
    <message>
        <source>“%1” was changed by someone else since you read it (now version %2). Review their change, then edit again.</source>
        <translation>„%1“ wurde seit dem Lesen von jemand anderem geändert (jetzt Version %2). Prüfen Sie deren Änderung und bearbeiten Sie dann erneut.</translation>
    </message>
    <message>
        <source>There is no user with id %1 that you may see.</source>
        <translation>Es gibt keinen Benutzer mit der ID %1, den Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>%1 is a platform principal; only a platform admin changes them.</source>
        <translation>%1 ist ein Plattform-Prinzipal; nur ein Plattformadministrator ändert ihn.</translation>
    </message>
    <message>
        <source>%1 also belongs to tenants you do not administer; ask a platform admin.</source>
        <translation>%1 gehört auch zu Mandanten, die Sie nicht verwalten; wenden Sie sich an einen Plattformadministrator.</translation>
    </message>
    <message>
        <source>There is no role with id %1 that you may see.</source>
        <translation>Es gibt keine Rolle mit der ID %1, die Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>You may not give the permission %1: you do not hold it on this tenant yourself.</source>
        <translation>Sie dürfen die Berechtigung %1 nicht vergeben: Sie haben sie auf diesem Mandanten selbst nicht.</translation>
    </message>
    <message>
        <source>This needs the platform-wide permission %1; name a tenant you administer instead.</source>
        <translation>Dies erfordert die plattformweite Berechtigung %1; nennen Sie stattdessen einen Mandanten, den Sie verwalten.</translation>
    </message>
    <message>
        <source>The tenant “%1” has used its %2 requests per minute; try again in %3 s.</source>
        <translation>Der Mandant „%1“ hat seine %2 Anfragen pro Minute verbraucht; versuchen Sie es in %3 s erneut.</translation>
    </message>
    <message>
        <source>Your tenant “%1” is %2; ask a platform admin.</source>
        <translation>Ihr Mandant „%1“ ist %2; wenden Sie sich an einen Plattformadministrator.</translation>
    </message>
    <message>
        <source>Your tenant “%1” is out of service: a tenant above it is %2; ask a platform admin.</source>
        <translation>Ihr Mandant „%1“ ist außer Betrieb: Ein übergeordneter Mandant ist %2; wenden Sie sich an einen Plattformadministrator.</translation>
    </message>
    <message>
        <source>The e-mail or the password is wrong, or the account is not active.</source>
        <translation>Die E-Mail-Adresse oder das Passwort ist falsch, oder das Konto ist nicht aktiv.</translation>
    </message>
    <message>
        <source>The session has ended; sign in again.</source>
        <translation>Die Sitzung ist beendet; melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>There is no tenant with this slug that you may see.</source>
        <translation>Es gibt keinen Mandanten mit diesem Kürzel, den Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>backup: required, the backup document (a JSON object).</source>
        <translation>backup: erforderlich, das Sicherungsdokument (ein JSON-Objekt).</translation>
    </message>
    <message>
        <source>tenant_id: required: the tenant the permissions are held on.</source>
        <translation>tenant_id: erforderlich: der Mandant, auf dem die Berechtigungen gelten.</translation>
    </message>
    <message>
        <source>There is no tenant “%1” that you may see.</source>
        <translation>Es gibt keinen Mandanten „%1“, den Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>The attribution rules</source>
        <translation>Die Zuordnungsregeln</translation>
    </message>
    <message>
        <source>The body must be the billing file itself (Content-Type: application/octet-stream, application/gzip, application/zip or text/csv).</source>
        <translation>Der Inhalt muss die Abrechnungsdatei selbst sein (Content-Type: application/octet-stream, application/gzip, application/zip oder text/csv).</translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (no temporary directory).</source>
        <translation>Der Server konnte die hochgeladene Datei nicht ablegen (kein temporäres Verzeichnis).</translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file.</source>
        <translation>Der Server konnte die hochgeladene Datei nicht ablegen.</translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (its disk may be full).</source>
        <translation>Der Server konnte die hochgeladene Datei nicht ablegen (sein Datenträger ist vielleicht voll).</translation>
    </message>
    <message>
        <source>amount: required, a decimal number as a string (&quot;1200.00&quot;), or null to remove the budget.</source>
        <translation>amount: erforderlich, eine Dezimalzahl als Zeichenkette (&quot;1200.00&quot;) oder null, um das Budget zu entfernen.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AttributionRulesDialog</name>
    <message>
        <source>Attribution Rules</source>
        <translation>Zuordnungsregeln</translation>
    </message>
    <message>
        <source>No database is open.</source>
        <translation>Es ist keine Datenbank geöffnet.</translation>
    </message>
    <message>
        <source>Cost goes to a tenant by these rules, tried in order: a mapping of a tag value or sub-account first, then a tag whose value is the tenant&apos;s slug. Cost that matches nothing stays unallocated. Shared cost is spread over tenants instead.</source>
        <translation>Kosten gehen nach diesen Regeln an einen Mandanten, in dieser Reihenfolge versucht: zuerst eine Zuordnung eines Tag-Werts oder Unterkontos, dann ein Tag, dessen Wert das Kürzel des Mandanten ist. Kosten, auf die nichts passt, bleiben nicht zugeordnet. Gemeinsame Kosten werden stattdessen auf Mandanten verteilt.</translation>
    </message>
    <message>
        <source>Tenant tag &amp;keys</source>
        <translation>Mandanten-Tag-&amp;Schlüssel</translation>
    </message>
    <message>
        <source>Tags whose value is a tenant&apos;s slug, e.g. tenant or user:tenant; double-click to edit</source>
        <translation>Tags, deren Wert das Kürzel eines Mandanten ist, z. B. tenant oder user:tenant; Doppelklick zum Bearbeiten</translation>
    </message>
    <message>
        <source>tag-key</source>
        <translation>tag-schlüssel</translation>
    </message>
    <message>
        <source>&amp;Mappings: value → tenant</source>
        <translation>&amp;Zuordnungen: Wert → Mandant</translation>
    </message>
    <message>
        <source>S&amp;hared cost</source>
        <translation>&amp;Gemeinsame Kosten</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>Abgleich</translation>
    </message>
    <message>
        <source>Service or account</source>
        <translation>Dienst oder Konto</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Aufteilung</translation>
    </message>
    <message>
        <source>Tenants (slugs, comma-separated; empty: all with direct cost)</source>
        <translation>Mandanten (Kürzel, durch Kommas getrennt; leer: alle mit direkten Kosten)</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>&amp;Anwenden</translation>
    </message>
    <message>
        <source>Store the rules and attribute every line again</source>
        <translation>Die Regeln speichern und jede Zeile neu zuordnen</translation>
    </message>
    <message>
        <source>Reading the rules…</source>
        <translation>Die Regeln werden gelesen…</translation>
    </message>
    <message>
        <source>Could not read the rules: %1</source>
        <translation>Die Regeln konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Proportional</source>
        <translation>Anteilig</translation>
    </message>
    <message>
        <source>Even</source>
        <translation>Gleichmäßig</translation>
    </message>
    <message>
        <source>Proportional: in proportion to each tenant&apos;s direct cost that month; Even: the same share each</source>
        <translation>Anteilig: im Verhältnis zu den direkten Kosten jedes Mandanten in diesem Monat; Gleichmäßig: der gleiche Anteil für jeden</translation>
    </message>
    <message>
        <source>Shared cost %1: name the service or account.</source>
        <translation>Gemeinsame Kosten %1: Nennen Sie den Dienst oder das Konto.</translation>
    </message>
    <message>
        <source>No tenant has the slug %1: nothing was applied.</source>
        <translation>Kein Mandant hat das Kürzel %1: Es wurde nichts angewendet.</translation>
    </message>
    <message>
        <source>Correct the rules first: nothing was applied.</source>
        <translation>Korrigieren Sie zuerst die Regeln: Es wurde nichts angewendet.</translation>
    </message>
    <message>
        <source>Looking up the tenants…</source>
        <translation>Die Mandanten werden gesucht…</translation>
    </message>
    <message>
        <source>Applying the rules to every line…</source>
        <translation>Die Regeln werden auf jede Zeile angewendet…</translation>
    </message>
    <message>
        <source>Someone changed the rules meanwhile: they are shown as they are now, and yours were not applied. Make your change again and apply.</source>
        <translation>Jemand hat die Regeln inzwischen geändert: Sie werden so angezeigt, wie sie jetzt sind, und Ihre wurden nicht angewendet. Nehmen Sie Ihre Änderung erneut vor und wenden Sie sie an.</translation>
    </message>
    <message>
        <source>Could not apply the rules: %1 Nothing was changed.</source>
        <translation>Die Regeln konnten nicht angewendet werden: %1 Es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Could not apply the rules: an unexpected error occurred. Nothing was changed.</source>
        <translation>Die Regeln konnten nicht angewendet werden: Ein unerwarteter Fehler ist aufgetreten. Es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Cancelled: the rules and the attribution are as they were.</source>
        <translation>Abgebrochen: Die Regeln und die Zuordnung sind unverändert.</translation>
    </message>
    <message>
        <source>Applied: %1 lines attributed to tenants, %2 unallocated, %3 shared. Edit → Undo takes it back.</source>
        <translation>Angewendet: %1 Zeilen Mandanten zugeordnet, %2 nicht zugeordnet, %3 gemeinsam. Bearbeiten → Rückgängig nimmt es zurück.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Tenant tag keys</source>
        <translation>Mandanten-Tag-Schlüssel</translation>
    </message>
    <message>
        <source>Add &amp;Key</source>
        <translation>Schlüssel &amp;hinzufügen</translation>
    </message>
    <message>
        <source>Remove K&amp;ey</source>
        <translation>Schlüssel &amp;entfernen</translation>
    </message>
    <message>
        <source>Mappings: value → tenant</source>
        <translation>Zuordnungen: Wert → Mandant</translation>
    </message>
    <message>
        <source>Add Ma&amp;pping</source>
        <translation>Zuordnung hinzu&amp;fügen</translation>
    </message>
    <message>
        <source>Remove Mappin&amp;g</source>
        <translation>Zuordnung entfe&amp;rnen</translation>
    </message>
    <message>
        <source>Shared cost</source>
        <translation>Gemeinsame Kosten</translation>
    </message>
    <message>
        <source>Add Sh&amp;ared Cost</source>
        <translation>Gemeinsame &amp;Kosten hinzufügen</translation>
    </message>
    <message>
        <source>Remove Shared C&amp;ost</source>
        <translation>Gemeinsame K&amp;osten entfernen</translation>
    </message>
    <message>
        <source>Shared cost %1: match</source>
        <translation>Gemeinsame Kosten %1: Muster</translation>
    </message>
    <message>
        <source>Shared cost %1: split</source>
        <translation>Gemeinsame Kosten %1: Aufteilung</translation>
    </message>
    <message>
        <source>&amp;Values Seen…</source>
        <translation>Vorkommende &amp;Werte …</translation>
    </message>
    <message>
        <source>List the values of the selected mapping&apos;s tag key in the billing lines, with their cost, and map them to tenants</source>
        <translation>Die Werte des Tag-Schlüssels der ausgewählten Zuordnung in den Abrechnungszeilen mit ihren Kosten auflisten und Mandanten zuordnen</translation>
    </message>
    <message>
        <source>Mappings added: apply the rules to attribute the cost again.</source>
        <translation>Zuordnungen hinzugefügt: Wenden Sie die Regeln an, um die Kosten neu zuzuordnen.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AttributionRulesModel</name>
    <message>
        <source>Tag</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>Sub-account</source>
        <translation>Unterkonto</translation>
    </message>
    <message>
        <source>Row %1: a tag mapping needs the tag key.</source>
        <translation>Zeile %1: Eine Tag-Zuordnung braucht den Tag-Schlüssel.</translation>
    </message>
    <message>
        <source>Row %1: the value to match is empty.</source>
        <translation>Zeile %1: Der abzugleichende Wert ist leer.</translation>
    </message>
    <message>
        <source>Row %1: no tenant has the slug “%2”.</source>
        <translation>Zeile %1: Kein Mandant hat das Kürzel „%2“.</translation>
    </message>
    <message>
        <source>Row %1: choose the tenant.</source>
        <translation>Zeile %1: Wählen Sie den Mandanten.</translation>
    </message>
    <message>
        <source>Row %1: looking up “%2”…</source>
        <translation>Zeile %1: „%2“ wird gesucht…</translation>
    </message>
    <message>
        <source>(SubAccountId or name)</source>
        <translation>(SubAccountId oder Name)</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Tag key</source>
        <translation>Tag-Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Tenant (slug)</source>
        <translation>Mandant (Kürzel)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AttributionValuesDialog</name>
    <message>
        <source>Values Seen</source>
        <translation>Vorkommende Werte</translation>
    </message>
    <message>
        <source>The values this tag takes in the billing lines, the costliest first. Select values, type a tenant and choose Map: the mappings are added to the rules, and Apply in the rules stores them.</source>
        <translation>Die Werte, die dieser Tag in den Abrechnungszeilen annimmt, die teuersten zuerst. Wählen Sie Werte, geben Sie einen Mandanten ein und wählen Sie Zuordnen: Die Zuordnungen werden den Regeln hinzugefügt, und Anwenden in den Regeln speichert sie.</translation>
    </message>
    <message>
        <source>Tag key</source>
        <translation>Tag-Schlüssel</translation>
    </message>
    <message>
        <source>The tag key whose values are listed; the keys seen in the billing lines are offered</source>
        <translation>Der Tag-Schlüssel, dessen Werte aufgelistet werden; die in den Abrechnungszeilen vorkommenden Schlüssel werden angeboten</translation>
    </message>
    <message>
        <source>Tag &amp;key:</source>
        <translation>Tag-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>Part of a value</source>
        <translation>Teil eines Werts</translation>
    </message>
    <message>
        <source>Filter values</source>
        <translation>Werte filtern</translation>
    </message>
    <message>
        <source>&amp;Filter:</source>
        <translation>&amp;Filter:</translation>
    </message>
    <message>
        <source>Values seen</source>
        <translation>Vorkommende Werte</translation>
    </message>
    <message>
        <source>Map selected values to &amp;tenant:</source>
        <translation>Ausgewählte Werte dem &amp;Mandanten zuordnen:</translation>
    </message>
    <message>
        <source>Tenant slug</source>
        <translation>Mandantenkürzel</translation>
    </message>
    <message>
        <source>Tenant to map the selected values to</source>
        <translation>Mandant, dem die ausgewählten Werte zugeordnet werden</translation>
    </message>
    <message>
        <source>&amp;Map</source>
        <translation>&amp;Zuordnen</translation>
    </message>
    <message>
        <source>Add a mapping of each selected value to the tenant</source>
        <translation>Für jeden ausgewählten Wert eine Zuordnung zum Mandanten hinzufügen</translation>
    </message>
    <message>
        <source>Choose the tag key whose values to list.</source>
        <translation>Wählen Sie den Tag-Schlüssel, dessen Werte aufgelistet werden sollen.</translation>
    </message>
    <message>
        <source>Reading the values of “%1”…</source>
        <translation>Die Werte von „%1“ werden gelesen …</translation>
    </message>
    <message>
        <source>Could not read the values: %1</source>
        <translation>Die Werte konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Looking up “%1”…</source>
        <translation>„%1“ wird gesucht …</translation>
    </message>
    <message>
        <source>Mapped to %1: %2. Apply the rules to attribute their cost.</source>
        <translation>%1 zugeordnet: %2. Wenden Sie die Regeln an, um ihre Kosten zuzuordnen.</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”: nothing was mapped.</source>
        <translation>Kein Mandant hat den Kurznamen „%1“: Es wurde nichts zugeordnet.</translation>
    </message>
    <message>
        <source>No billing line carries the tag “%1”.</source>
        <translation>Keine Abrechnungszeile trägt den Tag „%1“.</translation>
    </message>
    <message>
        <source>%1 values on %2 lines.</source>
        <translation>%1 Werte auf %2 Zeilen.</translation>
    </message>
    <message>
        <source>%1 shown.</source>
        <translation>%1 angezeigt.</translation>
    </message>
    <message>
        <source>%1 selected.</source>
        <translation>%1 ausgewählt.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditDiffModel</name>
    <message>
        <source>Unchanged</source>
        <translation>Unverändert</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Hinzugefügt</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>Entfernt</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditEventModel</name>
    <message>
        <source>Platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>An event of the platform itself</source>
        <translation>Ein Ereignis der Plattform selbst</translation>
    </message>
    <message>
        <source>%1 (%2), tenant %3</source>
        <translation>%1 (%2), Mandant %3</translation>
    </message>
    <message>
        <source>%1, tenant %2</source>
        <translation>%1, Mandant %2</translation>
    </message>
    <message>
        <source>Tenant %1, which no longer exists or is out of reach</source>
        <translation>Mandant %1, der nicht mehr existiert oder außer Reichweite ist</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>%1
%2 UTC</source>
        <translation>%1
%2 UTC</translation>
    </message>
    <message>
        <source>%1 “%2”, event %3</source>
        <translation>%1 „%2“, Ereignis %3</translation>
    </message>
    <message>
        <source>Local time; newest first, as the audit trail is kept</source>
        <translation>Ortszeit; neueste zuerst, wie das Prüfprotokoll geführt wird</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Could not read more events: %1</source>
        <translation>Weitere Ereignisse konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not read the events: %1</source>
        <translation>Die Ereignisse konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1
Press Enter or double-click to try again.</source>
        <translation>%1
Drücken Sie die Eingabetaste oder doppelklicken Sie, um es erneut zu versuchen.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditIntegrityBanner</name>
    <message>
        <source>Audit trail warning</source>
        <translation>Warnung zum Prüfprotokoll</translation>
    </message>
    <message>
        <source>&amp;Details…</source>
        <translation>Deta&amp;ils…</translation>
    </message>
    <message>
        <source>Audit Trail Altered</source>
        <translation>Prüfprotokoll verändert</translation>
    </message>
    <message>
        <source>Dis&amp;miss</source>
        <translation>&amp;Verbergen</translation>
    </message>
    <message>
        <source>Hide this warning until the database is opened again</source>
        <translation>Diese Warnung verbergen, bis die Datenbank erneut geöffnet wird</translation>
    </message>
    <message>
        <source>The audit trail has been altered: the platform&apos;s chain breaks at event %1.</source>
        <translation>Das Prüfprotokoll wurde verändert: Die Kette der Plattform bricht bei Ereignis %1 ab.</translation>
    </message>
    <message>
        <source>The audit trail has been altered: the chain of tenant %1 breaks at event %2.</source>
        <translation>Das Prüfprotokoll wurde verändert: Die Kette des Mandanten %1 bricht bei Ereignis %2 ab.</translation>
    </message>
    <message>
        <source>%1

%2 events in %3 chains were checked. An event was edited, deleted or inserted outside TenantDesk. Restore the database from a backup you trust, and find who had access to it. `tenantctl audit verify` checks the trail again.</source>
        <translation>%1

%2 Ereignisse in %3 Ketten wurden geprüft. Ein Ereignis wurde außerhalb von TenantDesk bearbeitet, gelöscht oder eingefügt. Stellen Sie die Datenbank aus einer Sicherung wieder her, der Sie vertrauen, und finden Sie heraus, wer Zugriff auf sie hatte. `tenantctl audit verify` prüft das Protokoll erneut.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditPage</name>
    <message>
        <source>Audit Trail</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Audit trail error</source>
        <translation>Fehler im Prüfprotokoll</translation>
    </message>
    <message>
        <source>Why the audit trail could not be read</source>
        <translation>Warum das Prüfprotokoll nicht gelesen werden konnte</translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Retry reading the audit trail</source>
        <translation>Das Prüfprotokoll erneut lesen</translation>
    </message>
    <message>
        <source>Audit events and the selected event&apos;s changes</source>
        <translation>Prüfereignisse und die Änderungen des gewählten Ereignisses</translation>
    </message>
    <message>
        <source>Audit events, newest first</source>
        <translation>Prüfereignisse, neueste zuerst</translation>
    </message>
    <message>
        <source>&amp;Copy Event as JSON</source>
        <translation>Ereignis als JSON &amp;kopieren</translation>
    </message>
    <message>
        <source>The selected event</source>
        <translation>Das gewählte Ereignis</translation>
    </message>
    <message>
        <source>What the selected event changed</source>
        <translation>Was das gewählte Ereignis geändert hat</translation>
    </message>
    <message>
        <source>Audit trail status</source>
        <translation>Status des Prüfprotokolls</translation>
    </message>
    <message>
        <source>Could not read the audit trail: %1</source>
        <translation>Das Prüfprotokoll konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Tenant slug filter</source>
        <translation>Filter nach Mandantenkürzel</translation>
    </message>
    <message>
        <source>Any tenant (slug)</source>
        <translation>Beliebiger Mandant (Kürzel)</translation>
    </message>
    <message>
        <source>This te&amp;nant</source>
        <translation>Dieser Ma&amp;ndant</translation>
    </message>
    <message>
        <source>Only the tenant the page was opened for</source>
        <translation>Nur der Mandant, für den die Seite geöffnet wurde</translation>
    </message>
    <message>
        <source>Tenant filter error</source>
        <translation>Fehler im Mandantenfilter</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>&amp;Mandant:</translation>
    </message>
    <message>
        <source>Actor filter</source>
        <translation>Filter nach Akteur</translation>
    </message>
    <message>
        <source>Anyone (exactly, e.g. system)</source>
        <translation>Beliebig (genau, z. B. system)</translation>
    </message>
    <message>
        <source>Acto&amp;r:</source>
        <translation>Akteu&amp;r:</translation>
    </message>
    <message>
        <source>Action filter</source>
        <translation>Filter nach Aktion</translation>
    </message>
    <message>
        <source>Every tenant action</source>
        <translation>Jede Mandantenaktion</translation>
    </message>
    <message>
        <source>Every environment action</source>
        <translation>Jede Umgebungsaktion</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Beliebige Aktion</translation>
    </message>
    <message>
        <source>An action, or a prefix ending in “.” for a group of actions</source>
        <translation>Eine Aktion oder ein auf „.“ endendes Präfix für eine Gruppe von Aktionen</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>&amp;Aktion:</translation>
    </message>
    <message>
        <source>Any time</source>
        <translation>Beliebige Zeit</translation>
    </message>
    <message>
        <source>Fro&amp;m</source>
        <translation>&amp;Von</translation>
    </message>
    <message>
        <source>Events from this time on</source>
        <translation>Ereignisse ab diesem Zeitpunkt</translation>
    </message>
    <message>
        <source>t&amp;o</source>
        <translation>&amp;bis</translation>
    </message>
    <message>
        <source>Events before this time</source>
        <translation>Ereignisse vor diesem Zeitpunkt</translation>
    </message>
    <message>
        <source>Time range error</source>
        <translation>Fehler im Zeitraum</translation>
    </message>
    <message>
        <source>Search the audit trail</source>
        <translation>Das Prüfprotokoll durchsuchen</translation>
    </message>
    <message>
        <source>Text in the object, actor or values (Ctrl+F)</source>
        <translation>Text in Objekt, Akteur oder Werten (Strg+F)</translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation>&amp;Suchen:</translation>
    </message>
    <message>
        <source>&amp;Clear Filters</source>
        <translation>Filter &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>Clear every filter</source>
        <translation>Alle Filter zurücksetzen</translation>
    </message>
    <message>
        <source>Read the audit trail again</source>
        <translation>Das Prüfprotokoll erneut lesen</translation>
    </message>
    <message>
        <source>Read the matching events again, with any that were added since</source>
        <translation>Die passenden Ereignisse erneut lesen, mit allen seither hinzugekommenen</translation>
    </message>
    <message>
        <source>This te&amp;nant (%1)</source>
        <translation>Dieser Ma&amp;ndant (%1)</translation>
    </message>
    <message>
        <source>Choose a start before the end.</source>
        <translation>Wählen Sie einen Beginn vor dem Ende.</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation>Kein Mandant hat das Kürzel „%1“.</translation>
    </message>
    <message>
        <source>Select an event to see what it changed.</source>
        <translation>Wählen Sie ein Ereignis, um zu sehen, was es geändert hat.</translation>
    </message>
    <message>
        <source>%1 of %2 by %3 on %4 (event %5)</source>
        <translation>%1 von %2 durch %3 am %4 (Ereignis %5)</translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation>Keine Datenbank geöffnet.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) so far; loading more…</source>
        <translation>
            <numerusform>Bisher %n Ereignis; weitere werden geladen…</numerusform>
            <numerusform>Bisher %n Ereignisse; weitere werden geladen…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) shown; the rest could not be read.</source>
        <translation>
            <numerusform>%n Ereignis angezeigt; der Rest konnte nicht gelesen werden.</numerusform>
            <numerusform>%n Ereignisse angezeigt; der Rest konnte nicht gelesen werden.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) so far, newest first; scroll down for older ones.</source>
        <translation>
            <numerusform>Bisher %n Ereignis, neueste zuerst; scrollen Sie nach unten für ältere.</numerusform>
            <numerusform>Bisher %n Ereignisse, neueste zuerst; scrollen Sie nach unten für ältere.</numerusform>
        </translation>
    </message>
    <message>
        <source>No events match the filters.</source>
        <translation>Keine Ereignisse passen zu den Filtern.</translation>
    </message>
    <message numerus="yes">
        <source>%n event(s), newest first.</source>
        <translation>
            <numerusform>%n Ereignis, neueste zuerst.</numerusform>
            <numerusform>%n Ereignisse, neueste zuerst.</numerusform>
        </translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>Neu &amp;laden</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingCsv</name>
    <message>
        <source>the quoted value that starts here is not closed before the end of the file</source>
        <translation>der Wert in Anführungszeichen, der hier beginnt, wird vor dem Ende der Datei nicht geschlossen</translation>
    </message>
    <message>
        <source>text follows the closing quote of a quoted value (a quote inside a value must be doubled)</source>
        <translation>auf das schließende Anführungszeichen eines Werts folgt Text (ein Anführungszeichen innerhalb eines Werts muss verdoppelt werden)</translation>
    </message>
    <message>
        <source>a quote inside a value that does not start with a quote</source>
        <translation>ein Anführungszeichen in einem Wert, der nicht mit einem Anführungszeichen beginnt</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingFileReader</name>
    <message>
        <source>the file is empty; a billing export starts with a header line</source>
        <translation>die Datei ist leer; ein Abrechnungsexport beginnt mit einer Kopfzeile</translation>
    </message>
    <message>
        <source>the header is not one of a known billing export (FOCUS, AWS CUR, AWS CUR 2.0, Azure cost details EA or MCA)</source>
        <translation>die Kopfzeile gehört zu keinem bekannten Abrechnungsexport (FOCUS, AWS CUR, AWS CUR 2.0, Azure-Kostendetails EA oder MCA)</translation>
    </message>
    <message>
        <source>the column is missing; a %1 file must have it</source>
        <translation>die Spalte fehlt; eine %1-Datei muss sie haben</translation>
    </message>
    <message>
        <source>the line ends after %1 of the header&apos;s %2 columns</source>
        <translation>die Zeile endet nach %1 der %2 Spalten der Kopfzeile</translation>
    </message>
    <message>
        <source>the line has %1 values, %2 more than the header&apos;s %3 columns (after this one)</source>
        <translation>die Zeile hat %1 Werte, %2 mehr als die %3 Spalten der Kopfzeile (nach dieser)</translation>
    </message>
    <message>
        <source>the value is not UTF-8 text (export the file as UTF-8)</source>
        <translation>der Wert ist kein UTF-8-Text (exportieren Sie die Datei als UTF-8)</translation>
    </message>
    <message>
        <source>the column name is not UTF-8 text (export the file as UTF-8)</source>
        <translation>der Spaltenname ist kein UTF-8-Text (exportieren Sie die Datei als UTF-8)</translation>
    </message>
    <message>
        <source>the value holds a NUL character (a zero byte)</source>
        <translation>der Wert enthält ein NUL-Zeichen (ein Nullbyte)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingFileReader::Private</name>
    <message>
        <source>the line is longer than 64 MiB: a quoted value that starts on it is probably not closed</source>
        <translation>die Zeile ist länger als 64 MiB: Ein Wert in Anführungszeichen, der in ihr beginnt, ist wahrscheinlich nicht geschlossen</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingImportDialog</name>
    <message>
        <source>Import Billing</source>
        <translation>Abrechnung importieren</translation>
    </message>
    <message>
        <source>Import a billing export: FOCUS 1.0–1.3, AWS Cost and Usage Report (legacy or 2.0) or Azure cost details (EA or MCA), as CSV, .csv.gz or .zip. One import is one transaction: a broken file changes nothing.</source>
        <translation>Einen Abrechnungsexport importieren: FOCUS 1.0–1.3, AWS Cost and Usage Report (Legacy oder 2.0) oder Azure-Kostendetails (EA oder MCA), als CSV, .csv.gz oder .zip. Ein Import ist eine Transaktion: Eine fehlerhafte Datei ändert nichts.</translation>
    </message>
    <message>
        <source>A .csv, .csv.gz or .zip file</source>
        <translation>Eine .csv-, .csv.gz- oder .zip-Datei</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen…</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>Da&amp;tei:</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Wählen Sie eine Datei</translation>
    </message>
    <message>
        <source>Detected format:</source>
        <translation>Erkanntes Format:</translation>
    </message>
    <message>
        <source>Leave on “Detect from the header” unless the detection is wrong</source>
        <translation>Auf „Aus der Kopfzeile erkennen“ lassen, außer die Erkennung ist falsch</translation>
    </message>
    <message>
        <source>F&amp;ormat:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>Optional, e.g. tenant or user:tenant</source>
        <translation>Optional, z. B. tenant oder user:tenant</translation>
    </message>
    <message>
        <source>A tag whose value is a tenant&apos;s slug; added to the attribution rules&apos; tenant tag keys</source>
        <translation>Ein Tag, dessen Wert das Kürzel eines Mandanten ist; wird den Mandanten-Tag-Schlüsseln der Zuordnungsregeln hinzugefügt</translation>
    </message>
    <message>
        <source>&amp;Tenant tag key:</source>
        <translation>&amp;Mandanten-Tag-Schlüssel:</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importieren</translation>
    </message>
    <message>
        <source>Detect from the header</source>
        <translation>Aus der Kopfzeile erkennen</translation>
    </message>
    <message>
        <source>FOCUS 1.0–1.3</source>
        <translation>FOCUS 1.0–1.3</translation>
    </message>
    <message>
        <source>AWS Cost and Usage Report (legacy)</source>
        <translation>AWS Cost and Usage Report (Legacy)</translation>
    </message>
    <message>
        <source>AWS Cost and Usage Report 2.0</source>
        <translation>AWS Cost and Usage Report 2.0</translation>
    </message>
    <message>
        <source>Azure cost details (EA)</source>
        <translation>Azure-Kostendetails (EA)</translation>
    </message>
    <message>
        <source>Azure cost details (MCA)</source>
        <translation>Azure-Kostendetails (MCA)</translation>
    </message>
    <message>
        <source>Billing exports (*.csv *.csv.gz *.gz *.zip);;All files (*)</source>
        <translation>Abrechnungsexporte (*.csv *.csv.gz *.gz *.zip);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>No such file</source>
        <translation>Datei nicht vorhanden</translation>
    </message>
    <message>
        <source>Detected on import (compressed)</source>
        <translation>Wird beim Import erkannt (komprimiert)</translation>
    </message>
    <message>
        <source>Cannot be read: %1</source>
        <translation>Nicht lesbar: %1</translation>
    </message>
    <message>
        <source>Not recognised: choose the format below</source>
        <translation>Nicht erkannt: Wählen Sie unten das Format</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Replacing the earlier import of %1…</source>
        <translation>Der frühere Import von %1 wird ersetzt…</translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation>%1 wird importiert…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <source>Could not import %1</source>
        <translation>%1 konnte nicht importiert werden</translation>
    </message>
    <message>
        <source>An unexpected error occurred; please report it.</source>
        <translation>Ein unerwarteter Fehler ist aufgetreten; bitte melden Sie ihn.</translation>
    </message>
    <message>
        <source>Import cancelled: nothing was imported.</source>
        <translation>Import abgebrochen: Es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>This file was imported before.</source>
        <translation>Diese Datei wurde bereits importiert.</translation>
    </message>
    <message>
        <source>Already Imported</source>
        <translation>Bereits importiert</translation>
    </message>
    <message>
        <source>%1

Skip it, or replace the earlier import with this file?</source>
        <translation>%1

Die Datei überspringen oder den früheren Import durch diese Datei ersetzen?</translation>
    </message>
    <message>
        <source>&amp;Skip</source>
        <translation>Ü&amp;berspringen</translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation>&amp;Ersetzen</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>%1

Nothing was imported.</source>
        <translation>%1

Es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>Skipped: this file was imported before, nothing changed.</source>
        <translation>Übersprungen: Diese Datei wurde bereits importiert, es hat sich nichts geändert.</translation>
    </message>
    <message>
        <source>Imported %1 as %2.</source>
        <translation>%1 als %2 importiert.</translation>
    </message>
    <message>
        <source>It replaces the earlier import of the same file.</source>
        <translation>Er ersetzt den früheren Import derselben Datei.</translation>
    </message>
    <message>
        <source>Lines: %1; attributed to tenants: %2; unallocated: %3.</source>
        <translation>Zeilen: %1; Mandanten zugeordnet: %2; nicht zugeordnet: %3.</translation>
    </message>
    <message>
        <source>Charges from %1 to %2.</source>
        <translation>Leistungszeitraum vom %1 bis %2.</translation>
    </message>
    <message>
        <source>Billed cost in %1: %2 (exactly %3).</source>
        <translation>Abgerechnete Kosten in %1: %2 (genau %3).</translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation>Hinweise:</translation>
    </message>
    <message>
        <source>Import result</source>
        <translation>Importergebnis</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingLinesModel</name>
    <message>
        <source>%1 %2, exactly</source>
        <translation>%1 %2, genau</translation>
    </message>
    <message>
        <source>%1 to %2 (UTC)</source>
        <translation>%1 bis %2 (UTC)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>A shared cost, spread over tenants by the attribution rules</source>
        <translation>Gemeinsame Kosten, von den Zuordnungsregeln auf Mandanten verteilt</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Gemeinsam</translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation>Nicht zugeordnet</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>Charge start (UTC)</source>
        <translation>Leistungsbeginn (UTC)</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Service category</source>
        <translation>Dienstkategorie</translation>
    </message>
    <message>
        <source>Charge</source>
        <translation>Buchungsart</translation>
    </message>
    <message>
        <source>Sub-account</source>
        <translation>Unterkonto</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>Ressource</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <source>Billed cost</source>
        <translation>Abgerechnete Kosten</translation>
    </message>
    <message>
        <source>Effective cost</source>
        <translation>Effektive Kosten</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingMapping</name>
    <message>
        <source>the time is empty</source>
        <translation>die Zeitangabe ist leer</translation>
    </message>
    <message>
        <source>the amount is empty; it must have a value</source>
        <translation>der Betrag ist leer; er muss einen Wert haben</translation>
    </message>
    <message>
        <source>the price times the quantity is too large</source>
        <translation>Preis mal Menge ist zu groß</translation>
    </message>
    <message numerus="yes">
        <source>Tags: %n NULL value(s) read as no tags</source>
        <translation>
            <numerusform>Tags: %n NULL-Wert als keine Tags gelesen</numerusform>
            <numerusform>Tags: %n NULL-Werte als keine Tags gelesen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 (from %2): %n empty value(s) read as 0</source>
        <translation>
            <numerusform>%1 (aus %2): %n leerer Wert als 0 gelesen</numerusform>
            <numerusform>%1 (aus %2): %n leere Werte als 0 gelesen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>EffectiveCost: %n line(s) without a net amount use the unblended cost</source>
        <translation>
            <numerusform>EffectiveCost: %n Zeile ohne Nettobetrag verwendet die ungemischten Kosten</numerusform>
            <numerusform>EffectiveCost: %n Zeilen ohne Nettobetrag verwenden die ungemischten Kosten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>ServiceCategory: %n empty value(s) read as Other</source>
        <translation>
            <numerusform>ServiceCategory: %n leerer Wert als Other gelesen</numerusform>
            <numerusform>ServiceCategory: %n leere Werte als Other gelesen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>ServiceCategory: %n line(s) of other services are in Other</source>
        <translation>
            <numerusform>ServiceCategory: %n Zeile anderer Dienste steht unter Other</numerusform>
            <numerusform>ServiceCategory: %n Zeilen anderer Dienste stehen unter Other</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>ChargeCategory: %n line(s) of an unknown charge type read as Adjustment (%1)</source>
        <translation>
            <numerusform>ChargeCategory: %n Zeile mit unbekannter Kostenart als Adjustment gelesen (%1)</numerusform>
            <numerusform>ChargeCategory: %n Zeilen mit unbekannter Kostenart als Adjustment gelesen (%1)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Times: fractions of a second dropped in %n line(s)</source>
        <translation>
            <numerusform>Zeiten: Sekundenbruchteile in %n Zeile verworfen</numerusform>
            <numerusform>Zeiten: Sekundenbruchteile in %n Zeilen verworfen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Times: %n time(s) with an offset from UTC converted to UTC</source>
        <translation>
            <numerusform>Zeiten: %n Zeit mit Abweichung von UTC in UTC umgerechnet</numerusform>
            <numerusform>Zeiten: %n Zeiten mit Abweichung von UTC in UTC umgerechnet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Dates: %n line(s) with US dates (month/day/year) read as such</source>
        <translation>
            <numerusform>Datumsangaben: %n Zeile mit US-Datum (Monat/Tag/Jahr) als solches gelesen</numerusform>
            <numerusform>Datumsangaben: %n Zeilen mit US-Datum (Monat/Tag/Jahr) als solches gelesen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingPage</name>
    <message>
        <source>Retr&amp;y</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
    <message>
        <source>Billing Review</source>
        <translation>Abrechnungsprüfung</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>Import a billing export</source>
        <translation>Einen Abrechnungsexport importieren</translation>
    </message>
    <message>
        <source>Attribution &amp;Rules…</source>
        <translation>Zuordnungs&amp;regeln…</translation>
    </message>
    <message>
        <source>Attribution rules</source>
        <translation>Zuordnungsregeln</translation>
    </message>
    <message>
        <source>E&amp;xport Report…</source>
        <translation>Bericht e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation>Den Bericht exportieren</translation>
    </message>
    <message>
        <source>Billing summary</source>
        <translation>Abrechnungsübersicht</translation>
    </message>
    <message>
        <source>Cost by tenant, service and month</source>
        <translation>Kosten nach Mandant, Dienst und Monat</translation>
    </message>
    <message>
        <source>Double-click a figure, or press Enter, to see the lines behind it</source>
        <translation>Doppelklicken Sie auf einen Betrag oder drücken Sie die Eingabetaste, um die Zeilen dahinter zu sehen</translation>
    </message>
    <message>
        <source>← Back</source>
        <translation>← Zurück</translation>
    </message>
    <message>
        <source>Back to the totals</source>
        <translation>Zurück zu den Summen</translation>
    </message>
    <message>
        <source>Back to the totals (Alt+Left, Escape)</source>
        <translation>Zurück zu den Summen (Alt+Links, Esc)</translation>
    </message>
    <message>
        <source>Lines shown</source>
        <translation>Angezeigte Zeilen</translation>
    </message>
    <message>
        <source>Sum of the lines</source>
        <translation>Summe der Zeilen</translation>
    </message>
    <message>
        <source>Billing lines</source>
        <translation>Abrechnungszeilen</translation>
    </message>
    <message>
        <source>Could not read the lines: %1</source>
        <translation>Die Zeilen konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Budget of %1 removed.</source>
        <translation>Budget von %1 entfernt.</translation>
    </message>
    <message>
        <source>Budget of %1 set to %2.</source>
        <translation>Budget von %1 auf %2 gesetzt.</translation>
    </message>
    <message>
        <source>Could not set the budget of %1: %2</source>
        <translation>Das Budget von %1 konnte nicht gesetzt werden: %2</translation>
    </message>
    <message>
        <source>Te&amp;nant:</source>
        <translation>Ma&amp;ndant:</translation>
    </message>
    <message>
        <source>Tenant filter</source>
        <translation>Mandantenfilter</translation>
    </message>
    <message>
        <source>&amp;Service:</source>
        <translation>Di&amp;enst:</translation>
    </message>
    <message>
        <source>Service filter</source>
        <translation>Dienstfilter</translation>
    </message>
    <message>
        <source>Cate&amp;gory:</source>
        <translation>&amp;Kategorie:</translation>
    </message>
    <message>
        <source>Service category filter</source>
        <translation>Filter für die Dienstkategorie</translation>
    </message>
    <message>
        <source>C&amp;urrency:</source>
        <translation>&amp;Währung:</translation>
    </message>
    <message>
        <source>Currency filter</source>
        <translation>Währungsfilter</translation>
    </message>
    <message>
        <source>Fro&amp;m:</source>
        <translation>&amp;Von:</translation>
    </message>
    <message>
        <source>First month</source>
        <translation>Erster Monat</translation>
    </message>
    <message>
        <source>T&amp;o:</source>
        <translation>Bi&amp;s:</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Letzter Monat</translation>
    </message>
    <message>
        <source>Im&amp;port:</source>
        <translation>Im&amp;port:</translation>
    </message>
    <message>
        <source>Import filter</source>
        <translation>Importfilter</translation>
    </message>
    <message>
        <source>Cost &amp;kind:</source>
        <translation>K&amp;ostenart:</translation>
    </message>
    <message>
        <source>Which cost</source>
        <translation>Welche Kosten</translation>
    </message>
    <message>
        <source>Billed</source>
        <translation>Abgerechnet</translation>
    </message>
    <message>
        <source>Effective</source>
        <translation>Effektiv</translation>
    </message>
    <message>
        <source>List</source>
        <translation>Listenpreis</translation>
    </message>
    <message>
        <source>BilledCost (the invoice), EffectiveCost (with discounts amortised) or ListCost</source>
        <translation>BilledCost (die Rechnung), EffectiveCost (mit amortisierten Rabatten) oder ListCost</translation>
    </message>
    <message>
        <source>Billing charts</source>
        <translation>Abrechnungsdiagramme</translation>
    </message>
    <message>
        <source>Cost by tenant</source>
        <translation>Kosten nach Mandant</translation>
    </message>
    <message>
        <source>Cost by service</source>
        <translation>Kosten nach Dienst</translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation>Budgets</translation>
    </message>
    <message>
        <source>Double-click a budget (or press F2) to change it; empty removes it</source>
        <translation>Doppelklicken Sie auf ein Budget (oder drücken Sie F2), um es zu ändern; leer entfernt es</translation>
    </message>
    <message>
        <source>Month over month</source>
        <translation>Monatsvergleich</translation>
    </message>
    <message>
        <source>Could not read the billing totals: %1</source>
        <translation>Die Abrechnungssummen konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not read the imports: %1</source>
        <translation>Die Importe konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not read the budgets: %1</source>
        <translation>Die Budgets konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Tenant %1 (gone)</source>
        <translation>Mandant %1 (nicht mehr vorhanden)</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation>Nicht zugeordnet</translation>
    </message>
    <message>
        <source>All tenants</source>
        <translation>Alle Mandanten</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>All services</source>
        <translation>Alle Dienste</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>Alle Kategorien</translation>
    </message>
    <message>
        <source>All currencies</source>
        <translation>Alle Währungen</translation>
    </message>
    <message>
        <source>Earliest</source>
        <translation>Frühester</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>Zuletzt</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>All imports and demo data</source>
        <translation>Alle Importe und Demodaten</translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation>Keine Datenbank geöffnet.</translation>
    </message>
    <message>
        <source>No cost in this selection. Import a billing export with File → Import Billing…</source>
        <translation>Keine Kosten in dieser Auswahl. Importieren Sie einen Abrechnungsexport mit Datei → Abrechnung importieren…</translation>
    </message>
    <message>
        <source>Total &lt;b&gt;%1&lt;/b&gt; · &lt;span style=&quot;color:#a84b00&quot;&gt;Unallocated &lt;b&gt;%2&lt;/b&gt; (%3 %)&lt;/span&gt;</source>
        <translation>Summe &lt;b&gt;%1&lt;/b&gt; · &lt;span style=&quot;color:#a84b00&quot;&gt;Nicht zugeordnet &lt;b&gt;%2&lt;/b&gt; (%3 %)&lt;/span&gt;</translation>
    </message>
    <message>
        <source> · Shared %1</source>
        <translation> · Gemeinsam %1</translation>
    </message>
    <message numerus="yes">
        <source> · %Ln line(s)</source>
        <translation>
            <numerusform> · %Ln Zeile</numerusform>
            <numerusform> · %Ln Zeilen</numerusform>
        </translation>
    </message>
    <message>
        <source> (%1 only)</source>
        <translation> (nur %1)</translation>
    </message>
    <message>
        <source>Billed cost per month by tenant%1</source>
        <translation>Abgerechnete Kosten pro Monat nach Mandant%1</translation>
    </message>
    <message>
        <source>Billed cost per month by service%1</source>
        <translation>Abgerechnete Kosten pro Monat nach Dienst%1</translation>
    </message>
    <message>
        <source>Cost against budget</source>
        <translation>Kosten gegenüber Budget</translation>
    </message>
    <message>
        <source>Cost in %1 against the monthly budget</source>
        <translation>Kosten in %1 gegenüber dem Monatsbudget</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Over budget</source>
        <translation>Über Budget</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source>Month over month (needs two months)</source>
        <translation>Monatsvergleich (braucht zwei Monate)</translation>
    </message>
    <message>
        <source>Change from %1 to %2 by tenant</source>
        <translation>Veränderung von %1 zu %2 nach Mandant</translation>
    </message>
    <message>
        <source>Increase</source>
        <translation>Anstieg</translation>
    </message>
    <message>
        <source>Decrease</source>
        <translation>Rückgang</translation>
    </message>
    <message>
        <source>every month shown</source>
        <translation>alle angezeigten Monate</translation>
    </message>
    <message>
        <source>&lt;b&gt;Shared lines&lt;/b&gt; of %1 — the share shown is %2 of them</source>
        <translation>&lt;b&gt;Gemeinsame Zeilen&lt;/b&gt; von %1 — der angezeigte Anteil beträgt %2 davon</translation>
    </message>
    <message>
        <source>&lt;b&gt;Lines behind&lt;/b&gt; %1 — %2</source>
        <translation>&lt;b&gt;Zeilen hinter&lt;/b&gt; %1 — %2</translation>
    </message>
    <message>
        <source>latest month</source>
        <translation>letzter Monat</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) so far, %1 — scroll for more</source>
        <translation>
            <numerusform>bisher %Ln Zeile, %1 — für mehr blättern</numerusform>
            <numerusform>bisher %Ln Zeilen, %1 — für mehr blättern</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %Ln line(s): billed cost %1</source>
        <translation>
            <numerusform>Insgesamt %Ln Zeile: abgerechnete Kosten %1</numerusform>
            <numerusform>Alle %Ln Zeilen: abgerechnete Kosten %1</numerusform>
        </translation>
    </message>
    <message>
        <source>, as in the total</source>
        <translation>, wie in der Summe</translation>
    </message>
    <message>
        <source> (the total also holds %1 of shared cost spread to this tenant)</source>
        <translation> (die Summe enthält außerdem %1 an gemeinsamen Kosten, die auf diesen Mandanten verteilt wurden)</translation>
    </message>
    <message>
        <source>Export Billing Report</source>
        <translation>Abrechnungsbericht exportieren</translation>
    </message>
    <message>
        <source>billing-report.pdf</source>
        <translation>abrechnungsbericht.pdf</translation>
    </message>
    <message>
        <source>PDF (*.pdf);;Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>PDF (*.pdf);;Excel-Arbeitsmappe (*.xlsx);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>Billing report</source>
        <translation>Abrechnungsbericht</translation>
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
        <translation>Der Bericht konnte nicht exportiert werden</translation>
    </message>
    <message>
        <source>Report written to %1.</source>
        <translation>Bericht nach %1 geschrieben.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingTagValuesModel</name>
    <message>
        <source>Shared or unallocated</source>
        <translation>Geteilt oder nicht zugeordnet</translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation>Nicht zugeordnet</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>Mapped to %1 by the rules being edited</source>
        <translation>Von den bearbeiteten Regeln %1 zugeordnet</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Lines</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <source>Billed cost</source>
        <translation>Abgerechnete Kosten</translation>
    </message>
    <message>
        <source>Attributed to now</source>
        <translation>Derzeit zugeordnet zu</translation>
    </message>
    <message>
        <source>Mapped to</source>
        <translation>Zugeordnet zu</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingTotalsModel</name>
    <message>
        <source>Unallocated</source>
        <translation>Nicht zugeordnet</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>(no service)</source>
        <translation>(kein Dienst)</translation>
    </message>
    <message>
        <source>%1 (shared)</source>
        <translation>%1 (gemeinsam)</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Summe</translation>
    </message>
    <message>
        <source>%1 in %2 against %3 in %4: %5 %6</source>
        <translation>%1 im %2 gegenüber %3 im %4: %5 %6</translation>
    </message>
    <message>
        <source>No cost in %1 to compare with</source>
        <translation>Keine Kosten im %1 zum Vergleich</translation>
    </message>
    <message numerus="yes">
        <source>%1 %2, exactly
%n line(s)</source>
        <translation>
            <numerusform>%1 %2, genau
%n Zeile</numerusform>
            <numerusform>%1 %2, genau
%n Zeilen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1&apos;s share of the shared cost of %2, spread by the attribution rules</source>
        <translation>Anteil von %1 an den gemeinsamen Kosten von %2, von den Zuordnungsregeln verteilt</translation>
    </message>
    <message>
        <source>Cost that no attribution rule gives to a tenant</source>
        <translation>Kosten, die keine Zuordnungsregel einem Mandanten gibt</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Needs two months</source>
        <translation>Braucht zwei Monate</translation>
    </message>
    <message>
        <source>%1 against %2</source>
        <translation>%1 gegenüber %2</translation>
    </message>
    <message>
        <source>Tenant / service</source>
        <translation>Mandant / Dienst</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Change %</source>
        <translation>Änderung %</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingCatalog</name>
    <message>
        <source>the file has %1 bytes, more than the limit of %2</source>
        <translation>die Datei hat %1 Bytes, mehr als die Grenze von %2</translation>
    </message>
    <message>
        <source>not a Qt resource file (.rcc made with rcc -binary)</source>
        <translation>keine Qt-Ressourcendatei (.rcc, erzeugt mit rcc -binary)</translation>
    </message>
    <message>
        <source>the file is missing</source>
        <translation>die Datei fehlt</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingEditorDialog</name>
    <message>
        <source>Window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <source>Window text</source>
        <translation>Fenstertext</translation>
    </message>
    <message>
        <source>Base (lists, fields)</source>
        <translation>Basis (Listen, Felder)</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Button</source>
        <translation>Schaltfläche</translation>
    </message>
    <message>
        <source>Button text</source>
        <translation>Schaltflächentext</translation>
    </message>
    <message>
        <source>Highlight</source>
        <translation>Hervorhebung</translation>
    </message>
    <message>
        <source>Highlighted text</source>
        <translation>Hervorgehobener Text</translation>
    </message>
    <message>
        <source>Accent</source>
        <translation>Akzent</translation>
    </message>
    <message>
        <source>Header</source>
        <translation>Kopfzeile</translation>
    </message>
    <message>
        <source>Header text</source>
        <translation>Kopfzeilentext</translation>
    </message>
    <message>
        <source>Branding Editor</source>
        <translation>Markeneditor</translation>
    </message>
    <message>
        <source>Product name</source>
        <translation>Produktname</translation>
    </message>
    <message>
        <source>&amp;Product name:</source>
        <translation>&amp;Produktname:</translation>
    </message>
    <message>
        <source>Tenant slug</source>
        <translation>Mandantenkürzel</translation>
    </message>
    <message>
        <source>The pack applies to the tenant with this slug and its sub-tenants</source>
        <translation>Das Paket gilt für den Mandanten mit diesem Kürzel und seine Untermandanten</translation>
    </message>
    <message>
        <source>Tenant &amp;slug:</source>
        <translation>Mandanten&amp;kürzel:</translation>
    </message>
    <message>
        <source>Palette</source>
        <translation>Palette</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>P&amp;alette:</source>
        <translation>P&amp;alette:</translation>
    </message>
    <message>
        <source>%1 colour</source>
        <translation>Farbe: %1</translation>
    </message>
    <message>
        <source>Choose &amp;Logo…</source>
        <translation>&amp;Logo auswählen…</translation>
    </message>
    <message>
        <source>Logo (SVG or PNG):</source>
        <translation>Logo (SVG oder PNG):</translation>
    </message>
    <message>
        <source>&amp;Save Pack…</source>
        <translation>Paket &amp;speichern…</translation>
    </message>
    <message>
        <source>&amp;Export .rcc…</source>
        <translation>.rcc e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Exported %1. Copy it into %2 to load it at the next start.</source>
        <translation>%1 exportiert. Kopieren Sie die Datei nach %2, um sie beim nächsten Start zu laden.</translation>
    </message>
    <message>
        <source>%1: a logo is an SVG or PNG file.</source>
        <translation>%1: Ein Logo ist eine SVG- oder PNG-Datei.</translation>
    </message>
    <message>
        <source>%1: the file is larger than %2 bytes.</source>
        <translation>%1: Die Datei ist größer als %2 Bytes.</translation>
    </message>
    <message>
        <source>Choose Logo</source>
        <translation>Logo auswählen</translation>
    </message>
    <message>
        <source>Logos (*.svg *.png)</source>
        <translation>Logos (*.svg *.png)</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>✓ AA</source>
        <translation>✓ AA</translation>
    </message>
    <message>
        <source>✗ below %1:1</source>
        <translation>✗ unter %1:1</translation>
    </message>
    <message>
        <source>%1 (%2 palette): %3:1, needs %4:1</source>
        <translation>%1 (Palette %2): %3:1, benötigt %4:1</translation>
    </message>
    <message>
        <source>dark</source>
        <translation>dunkel</translation>
    </message>
    <message>
        <source>light</source>
        <translation>hell</translation>
    </message>
    <message>
        <source>Contrast (WCAG AA)</source>
        <translation>Kontrast (WCAG AA)</translation>
    </message>
    <message>
        <source>Too little contrast for WCAG AA: %1.</source>
        <translation>Zu wenig Kontrast für WCAG AA: %1.</translation>
    </message>
    <message>
        <source>Enter a product name.</source>
        <translation>Geben Sie einen Produktnamen ein.</translation>
    </message>
    <message>
        <source>Could not create the folder %1.</source>
        <translation>Der Ordner %1 konnte nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Enter the slug of the tenant the pack is for (lower-case letters, digits, hyphens and dots).</source>
        <translation>Geben Sie das Kürzel des Mandanten ein, für den das Paket bestimmt ist (Kleinbuchstaben, Ziffern, Bindestriche und Punkte).</translation>
    </message>
    <message>
        <source>Save Pack Into</source>
        <translation>Paket speichern in</translation>
    </message>
    <message>
        <source>Saved to %1. Start TenantDesk with --branding-dir %2 to use it.</source>
        <translation>In %1 gespeichert. Starten Sie TenantDesk mit --branding-dir %2, um es zu verwenden.</translation>
    </message>
    <message>
        <source>An export is still running.</source>
        <translation>Ein Export läuft noch.</translation>
    </message>
    <message>
        <source>Could not create a temporary folder.</source>
        <translation>Es konnte kein temporärer Ordner angelegt werden.</translation>
    </message>
    <message>
        <source>Could not run Qt&apos;s resource compiler %1: %2</source>
        <translation>Der Ressourcen-Compiler von Qt, %1, konnte nicht ausgeführt werden: %2</translation>
    </message>
    <message>
        <source>rcc failed (%1): %2</source>
        <translation>rcc ist fehlgeschlagen (%1): %2</translation>
    </message>
    <message>
        <source>Export Pack</source>
        <translation>Paket exportieren</translation>
    </message>
    <message>
        <source>Qt resource files (*.rcc)</source>
        <translation>Qt-Ressourcendateien (*.rcc)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingManager</name>
    <message>
        <source>Branding</source>
        <translation>Markengestaltung</translation>
    </message>
    <message>
        <source>%1 logo</source>
        <translation>Logo von %1</translation>
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
        <translation>Markenpaket abgelehnt: %1: %2</translation>
    </message>
    <message>
        <source>the pack folder is missing</source>
        <translation>der Paketordner fehlt</translation>
    </message>
    <message>
        <source>invalid JSON at offset %1: %2</source>
        <translation>ungültiges JSON bei Position %1: %2</translation>
    </message>
    <message>
        <source>the document is not a JSON object</source>
        <translation>das Dokument ist kein JSON-Objekt</translation>
    </message>
    <message>
        <source>unknown key “%1”</source>
        <translation>unbekannter Schlüssel „%1“</translation>
    </message>
    <message>
        <source>format must be %1</source>
        <translation>format muss %1 sein</translation>
    </message>
    <message>
        <source>product_name must be a text of 1 to 80 characters</source>
        <translation>product_name muss ein Text mit 1 bis 80 Zeichen sein</translation>
    </message>
    <message>
        <source>line %1: url(%2): %3</source>
        <translation>Zeile %1: url(%2): %3</translation>
    </message>
    <message>
        <source>line %1: url(%2): the file is missing</source>
        <translation>Zeile %1: url(%2): die Datei fehlt</translation>
    </message>
    <message>
        <source>the image cannot be read: %1</source>
        <translation>das Bild kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>the image is %1×%2 pixels, more than %3×%3</source>
        <translation>das Bild hat %1×%2 Pixel, mehr als %3×%3</translation>
    </message>
    <message>
        <source>line %1: a backslash (a CSS escape) is not allowed in a pack&apos;s style sheet</source>
        <translation>Zeile %1: ein umgekehrter Schrägstrich (ein CSS-Escape) ist im Stylesheet eines Pakets nicht erlaubt</translation>
    </message>
    <message>
        <source>line %1: url(%2): the file lies outside the pack folder</source>
        <translation>Zeile %1: url(%2): die Datei liegt außerhalb des Paketordners</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BrandingPreview</name>
    <message>
        <source>Preview of the branding</source>
        <translation>Vorschau der Markengestaltung</translation>
    </message>
    <message>
        <source>Tenants</source>
        <translation>Mandanten</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>Produktion</translation>
    </message>
    <message>
        <source>Staging</source>
        <translation>Staging</translation>
    </message>
    <message>
        <source>Development</source>
        <translation>Entwicklung</translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation>Sandbox</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
</context>
<context>
    <name>TenantDesk::BudgetModel</name>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Double-click or press F2 to set the monthly budget; empty removes it</source>
        <translation>Doppelklicken oder F2 drücken, um das Monatsbudget zu setzen; leer entfernt es</translation>
    </message>
    <message>
        <source>%1 %2, exactly, in %3</source>
        <translation>%1 %2, genau, im %3</translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>“%1” is not an amount: type digits with a point, e.g. 1200.50.</source>
        <translation>„%1“ ist kein Betrag: Geben Sie Ziffern mit einem Punkt ein, z. B. 1200.50.</translation>
    </message>
    <message>
        <source>A budget cannot be negative.</source>
        <translation>Ein Budget kann nicht negativ sein.</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation>Monatsbudget</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>Währung</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Cost in %1</source>
        <translation>Kosten im %1</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Verbraucht</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Checker</name>
    <message>
        <source>the file lies outside the pack folder</source>
        <translation>die Datei liegt außerhalb des Paketordners</translation>
    </message>
    <message>
        <source>a .%1 file is not allowed here; use %2</source>
        <translation>eine .%1-Datei ist hier nicht erlaubt; verwenden Sie %2</translation>
    </message>
    <message>
        <source>palettes.%1 is missing or not an object</source>
        <translation>palettes.%1 fehlt oder ist kein Objekt</translation>
    </message>
    <message>
        <source>palettes.%1.%2 is not a colour role (known: %3)</source>
        <translation>palettes.%1.%2 ist keine Farbrolle (bekannt: %3)</translation>
    </message>
    <message>
        <source>palettes.%1.%2 is not a text; write a colour as &quot;#rrggbb&quot;</source>
        <translation>palettes.%1.%2 ist kein Text; schreiben Sie eine Farbe als &quot;#rrggbb&quot;</translation>
    </message>
    <message>
        <source>palettes.%1.%2: “%3” is not a colour; write #rrggbb</source>
        <translation>palettes.%1.%2: „%3“ ist keine Farbe; schreiben Sie #rrggbb</translation>
    </message>
    <message>
        <source>palettes.%1.%2 is missing</source>
        <translation>palettes.%1.%2 fehlt</translation>
    </message>
</context>
<context>
    <name>TenantDesk::CompactJson</name>
    <message>
        <source>a text in the tags is not closed</source>
        <translation>ein Text in den Tags ist nicht abgeschlossen</translation>
    </message>
    <message>
        <source>a \u escape in the tags is not four hex digits</source>
        <translation>eine \u-Escape-Sequenz in den Tags hat nicht vier Hexadezimalziffern</translation>
    </message>
    <message>
        <source>a \u0000 (NUL character) in the tags</source>
        <translation>ein \u0000 (NUL-Zeichen) in den Tags</translation>
    </message>
    <message>
        <source>a \u escape in the tags is the second half of a character without its first</source>
        <translation>eine \u-Escape-Sequenz in den Tags ist die zweite Hälfte eines Zeichens ohne die erste</translation>
    </message>
    <message>
        <source>a \u escape in the tags is the first half of a character without its second</source>
        <translation>eine \u-Escape-Sequenz in den Tags ist die erste Hälfte eines Zeichens ohne die zweite</translation>
    </message>
    <message>
        <source>a backslash in the tags starts no valid escape</source>
        <translation>ein Backslash in den Tags beginnt keine gültige Escape-Sequenz</translation>
    </message>
    <message>
        <source>a control character inside a text in the tags</source>
        <translation>ein Steuerzeichen in einem Text der Tags</translation>
    </message>
    <message>
        <source>the tags are not valid JSON</source>
        <translation>die Tags sind kein gültiges JSON</translation>
    </message>
    <message>
        <source>a number in the tags starts with a zero</source>
        <translation>eine Zahl in den Tags beginnt mit einer Null</translation>
    </message>
    <message>
        <source>a number in the tags has no digit after its decimal point</source>
        <translation>eine Zahl in den Tags hat keine Ziffer nach dem Dezimalpunkt</translation>
    </message>
    <message>
        <source>a number in the tags has no digit in its exponent</source>
        <translation>eine Zahl in den Tags hat keine Ziffer im Exponenten</translation>
    </message>
    <message>
        <source>a number in the tags is too large or too small for a JSON reader</source>
        <translation>eine Zahl in den Tags ist für einen JSON-Leser zu groß oder zu klein</translation>
    </message>
    <message>
        <source>the tags end where a value was expected</source>
        <translation>die Tags enden, wo ein Wert erwartet wurde</translation>
    </message>
    <message>
        <source>the tags are nested too deeply</source>
        <translation>die Tags sind zu tief verschachtelt</translation>
    </message>
    <message>
        <source>the tags are not valid JSON: a colon was expected after a key</source>
        <translation>die Tags sind kein gültiges JSON: nach einem Schlüssel wurde ein Doppelpunkt erwartet</translation>
    </message>
    <message>
        <source>the tags are not valid JSON: a key in quotes was expected</source>
        <translation>die Tags sind kein gültiges JSON: ein Schlüssel in Anführungszeichen wurde erwartet</translation>
    </message>
    <message>
        <source>the tags are not valid: a key in quotes was expected</source>
        <translation>die Tags sind ungültig: ein Schlüssel in Anführungszeichen wurde erwartet</translation>
    </message>
    <message>
        <source>the tags are not valid JSON: a comma or a closing brace was expected</source>
        <translation>die Tags sind kein gültiges JSON: ein Komma oder eine schließende Klammer wurde erwartet</translation>
    </message>
    <message>
        <source>the tags are not valid: a comma was expected between pairs</source>
        <translation>die Tags sind ungültig: zwischen Paaren wurde ein Komma erwartet</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ConflictDialog</name>
    <message>
        <source>%1 was changed by someone else</source>
        <translation>%1 wurde von jemand anderem geändert</translation>
    </message>
    <message>
        <source>While you were editing, “%1” was changed (now version %2, you started from version %3). Compare the values, then apply your change to the current version or keep the current one.</source>
        <translation>Während Sie bearbeitet haben, wurde „%1“ geändert (jetzt Version %2, Sie haben mit Version %3 begonnen). Vergleichen Sie die Werte und übernehmen Sie dann Ihre Änderung in die aktuelle Version oder behalten Sie die aktuelle.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domain</translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation>Zeitzone</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Your change</source>
        <translation>Ihre Änderung</translation>
    </message>
    <message>
        <source>Now stored</source>
        <translation>Jetzt gespeichert</translation>
    </message>
    <message>
        <source>When you started</source>
        <translation>Bei Ihrem Beginn</translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation>(unverändert)</translation>
    </message>
    <message>
        <source>&amp;Apply my change</source>
        <translation>Meine Änderung &amp;übernehmen</translation>
    </message>
    <message>
        <source>&amp;Keep theirs</source>
        <translation>Deren Version &amp;behalten</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ConnectDialog</name>
    <message>
        <source>Enter the e-mail address you sign in with.</source>
        <translation>Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address.</source>
        <translation>„%1“ ist keine E-Mail-Adresse.</translation>
    </message>
    <message>
        <source>Connect to Server</source>
        <translation>Mit Server verbinden</translation>
    </message>
    <message>
        <source>Sign in to a TenantDesk server to administer its platform.</source>
        <translation>Melden Sie sich an einem TenantDesk-Server an, um dessen Plattform zu verwalten.</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>&amp;E-Mail:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation>Auf diesem Computer &amp;angemeldet bleiben</translation>
    </message>
    <message>
        <source>Checking for a keychain…</source>
        <translation>Schlüsselbund wird gesucht…</translation>
    </message>
    <message>
        <source>&amp;Trust This Certificate and Connect</source>
        <translation>Diesem Zertifikat &amp;vertrauen und verbinden</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Keeps your session in the system keychain, never your password.</source>
        <translation>Bewahrt Ihre Sitzung im Schlüsselbund des Systems auf, niemals Ihr Passwort.</translation>
    </message>
    <message>
        <source>No keychain is available (such as GNOME Keyring or KWallet): you will be asked for your password each time.</source>
        <translation>Kein Schlüsselbund verfügbar (etwa GNOME Keyring oder KWallet): Sie werden jedes Mal nach Ihrem Passwort gefragt.</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Geben Sie Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Trust it only if it is the certificate of your server: compare the fingerprint with the one your administrator gives you.&lt;/p&gt;&lt;p&gt;&lt;tt&gt;%2&lt;/tt&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Vertrauen Sie ihm nur, wenn es das Zertifikat Ihres Servers ist: Vergleichen Sie den Fingerabdruck mit dem, den Ihr Administrator Ihnen nennt.&lt;/p&gt;&lt;p&gt;&lt;tt&gt;%2&lt;/tt&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Signing in to %1…</source>
        <translation>Anmeldung bei %1…</translation>
    </message>
</context>
<context>
    <name>TenantDesk::DecommissionDialog</name>
    <message>
        <source>Decommission %1</source>
        <translation>%1 außer Betrieb nehmen</translation>
    </message>
    <message>
        <source>Work through the checklist. Each step is recorded as it is done; the tenant is archived once all are done. A backup file restores the tenant later, here or in another database.</source>
        <translation>Arbeiten Sie die Checkliste ab. Jeder Schritt wird beim Erledigen protokolliert; der Mandant wird archiviert, sobald alle erledigt sind. Eine Sicherungsdatei stellt den Mandanten später wieder her, hier oder in einer anderen Datenbank.</translation>
    </message>
    <message>
        <source>&amp;Back Up…</source>
        <translation>&amp;Sichern…</translation>
    </message>
    <message>
        <source>&amp;Record Notice…</source>
        <translation>&amp;Benachrichtigung festhalten…</translation>
    </message>
    <message>
        <source>Re&amp;lease</source>
        <translation>&amp;Freigeben</translation>
    </message>
    <message>
        <source>&amp;Delete Data</source>
        <translation>Daten &amp;löschen</translation>
    </message>
    <message>
        <source>&amp;Finalise</source>
        <translation>&amp;Abschließen</translation>
    </message>
    <message>
        <source>Type %1 to confirm</source>
        <translation>Geben Sie zur Bestätigung %1 ein</translation>
    </message>
    <message>
        <source>Slug to confirm the deletion</source>
        <translation>Kürzel zur Bestätigung des Löschens</translation>
    </message>
    <message>
        <source>Back Up %1</source>
        <translation>%1 sichern</translation>
    </message>
    <message>
        <source>Tenant backups (*.json)</source>
        <translation>Mandantensicherungen (*.json)</translation>
    </message>
    <message>
        <source>Users Notified</source>
        <translation>Benutzer benachrichtigt</translation>
    </message>
    <message>
        <source>How and when were the users told?</source>
        <translation>Wie und wann wurden die Benutzer informiert?</translation>
    </message>
    <message>
        <source>E-mail to every member</source>
        <translation>E-Mail an jedes Mitglied</translation>
    </message>
    <message>
        <source>Delete the Data of %1</source>
        <translation>Die Daten von %1 löschen</translation>
    </message>
    <message>
        <source>This deletes the environments, memberships, custom roles, usage and settings of “%1”. Only its backup brings them back. Delete now?</source>
        <translation>Dies löscht die Umgebungen, Mitgliedschaften, eigenen Rollen, Nutzung und Einstellungen von „%1“. Nur die Sicherung bringt sie zurück. Jetzt löschen?</translation>
    </message>
    <message>
        <source>&amp;Archive</source>
        <translation>&amp;Archivieren</translation>
    </message>
    <message>
        <source>✔ %1 by %2</source>
        <translation>✔ %1 von %2</translation>
    </message>
    <message>
        <source>To do</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>“%1” is archived.</source>
        <translation>„%1“ ist archiviert.</translation>
    </message>
    <message>
        <source>%1 of %2 steps done.</source>
        <translation>%1 von %2 Schritten erledigt.</translation>
    </message>
    <message>
        <source>Could not write the backup to “%1”: %2.</source>
        <translation>Die Sicherung konnte nicht nach „%1“ geschrieben werden: %2.</translation>
    </message>
    <message>
        <source>%1 (SHA-256 %2)</source>
        <translation>%1 (SHA-256 %2)</translation>
    </message>
    <message>
        <source>Resources released</source>
        <translation>Ressourcen freigegeben</translation>
    </message>
    <message>
        <source>Data deleted</source>
        <translation>Daten gelöscht</translation>
    </message>
    <message>
        <source>Billing finalised</source>
        <translation>Abrechnung abgeschlossen</translation>
    </message>
</context>
<context>
    <name>TenantDesk::EditHistory</name>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <source>Could not redo “%1”</source>
        <translation>„%1“ konnte nicht wiederhergestellt werden</translation>
    </message>
    <message>
        <source>Could not undo “%1”</source>
        <translation>„%1“ konnte nicht rückgängig gemacht werden</translation>
    </message>
    <message>
        <source>&amp;Undo %1</source>
        <translation>&amp;Rückgängig: %1</translation>
    </message>
    <message>
        <source>&amp;Redo %1</source>
        <translation>&amp;Wiederherstellen: %1</translation>
    </message>
</context>
<context>
    <name>TenantDesk::EffectivePermissionsDialog</name>
    <message>
        <source>Effective Permissions</source>
        <translation>Effektive Berechtigungen</translation>
    </message>
    <message>
        <source>ann@example.com</source>
        <translation>ann@example.com</translation>
    </message>
    <message>
        <source>&amp;User (e-mail):</source>
        <translation>&amp;Benutzer (E-Mail):</translation>
    </message>
    <message>
        <source>acme.emea</source>
        <translation>acme.emea</translation>
    </message>
    <message>
        <source>&amp;Tenant (slug):</source>
        <translation>&amp;Mandant (Kürzel):</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>&amp;Anzeigen</translation>
    </message>
    <message>
        <source>Permission and why it is held</source>
        <translation>Berechtigung und warum sie besteht</translation>
    </message>
    <message>
        <source>platform role %1</source>
        <translation>Plattformrolle %1</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>%1, environment %2</source>
        <translation>%1, Umgebung %2</translation>
    </message>
    <message>
        <source>%1 (inherited from the parent tenant %2)</source>
        <translation>%1 (geerbt vom übergeordneten Mandanten %2)</translation>
    </message>
    <message>
        <source>Enter a user&apos;s e-mail and a tenant&apos;s slug.</source>
        <translation>Geben Sie die E-Mail-Adresse eines Benutzers und das Kürzel eines Mandanten ein.</translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation>Es gibt keinen Benutzer mit der E-Mail-Adresse „%1“.</translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1” among the tenant&apos;s members.</source>
        <translation>Unter den Mitgliedern des Mandanten gibt es keinen Benutzer mit der E-Mail-Adresse „%1“.</translation>
    </message>
    <message>
        <source>There is no tenant “%1”.</source>
        <translation>Es gibt keinen Mandanten „%1“.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>This user holds no permission on this tenant.</source>
        <translation>Dieser Benutzer hat keine Berechtigung auf diesem Mandanten.</translation>
    </message>
    <message numerus="yes">
        <source>%n permission(s) on this tenant, each with every membership and role that grants it.</source>
        <translation>
            <numerusform>%n Berechtigung auf diesem Mandanten, jeweils mit jeder Mitgliedschaft und Rolle, die sie gewährt.</numerusform>
            <numerusform>%n Berechtigungen auf diesem Mandanten, jeweils mit jeder Mitgliedschaft und Rolle, die sie gewährt.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::EnvironmentPage</name>
    <message>
        <source>Tenant:</source>
        <translation>Mandant:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Art:</translation>
    </message>
    <message>
        <source>Members:</source>
        <translation>Mitglieder:</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Angelegt:</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
</context>
<context>
    <name>TenantDesk::EnvironmentSettingsDialog</name>
    <message>
        <source>Settings of %1</source>
        <translation>Einstellungen von %1</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Entfernen</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ExportDialog</name>
    <message>
        <source>Export Users</source>
        <translation>Benutzer exportieren</translation>
    </message>
    <message>
        <source>Writes the users with their memberships, one file that TenantDesk imports back exactly. Platform roles are not memberships of a tenant and are left out.</source>
        <translation>Schreibt die Benutzer mit ihren Mitgliedschaften in eine Datei, die TenantDesk genau so wieder importiert. Plattformrollen sind keine Mitgliedschaften eines Mandanten und werden ausgelassen.</translation>
    </message>
    <message>
        <source>The users matching the Users page&apos;s filters</source>
        <translation>Die Benutzer, die zu den Filtern der Benutzerseite passen</translation>
    </message>
    <message>
        <source>The users of the &amp;tenant:</source>
        <translation>Die Benutzer des &amp;Mandanten:</translation>
    </message>
    <message>
        <source>Every user on the &amp;platform</source>
        <translation>Alle Benutzer der &amp;Plattform</translation>
    </message>
    <message>
        <source>Tenant slug, e.g. acme</source>
        <translation>Mandantenkürzel, z. B. acme</translation>
    </message>
    <message>
        <source>CSV (one row per membership)</source>
        <translation>CSV (eine Zeile pro Mitgliedschaft)</translation>
    </message>
    <message>
        <source>JSON (users with their memberships)</source>
        <translation>JSON (Benutzer mit ihren Mitgliedschaften)</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>C&amp;hoose…</source>
        <translation>&amp;Wählen…</translation>
    </message>
    <message>
        <source>F&amp;ile:</source>
        <translation>&amp;Datei:</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop reading; nothing is written</source>
        <translation>Lesen beenden; nichts wird geschrieben</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>The users matching the Users page&apos;s filters: %1</source>
        <translation>Die Benutzer, die zu den Filtern der Benutzerseite passen: %1</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON-Dateien (*.json)</translation>
    </message>
    <message>
        <source>Listing the users…</source>
        <translation>Benutzer werden aufgelistet…</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation>Kein Mandant hat das Kürzel „%1“.</translation>
    </message>
    <message>
        <source>Could not read the tenant: %1</source>
        <translation>Der Mandant konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Listing the users… %1 so far.</source>
        <translation>Benutzer werden aufgelistet… bisher %1.</translation>
    </message>
    <message numerus="yes">
        <source>Reading the memberships of %n user(s), one request each…</source>
        <translation>
            <numerusform>Mitgliedschaften von %n Benutzer werden gelesen, eine Anfrage je Benutzer…</numerusform>
            <numerusform>Mitgliedschaften von %n Benutzern werden gelesen, eine Anfrage je Benutzer…</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not list the users: %1 Nothing was written.</source>
        <translation>Die Benutzer konnten nicht aufgelistet werden: %1 Es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>Reading the memberships of %1 of %2 users…</source>
        <translation>Mitgliedschaften von %1 von %2 Benutzern werden gelesen…</translation>
    </message>
    <message>
        <source>Could not read user %1: %2 Nothing was written.</source>
        <translation>Benutzer %1 konnte nicht gelesen werden: %2 Es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>%1 wird geschrieben…</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Could not write %1: %2. The file was left as it was.</source>
        <translation>%1 konnte nicht geschrieben werden: %2. Die Datei blieb unverändert.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n user(s) with %1 membership(s) to %2.</source>
        <translation>
            <numerusform>%n Benutzer mit %1 Mitgliedschaft(en) nach %2 exportiert.</numerusform>
            <numerusform>%n Benutzer mit %1 Mitgliedschaft(en) nach %2 exportiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled: nothing was written.</source>
        <translation>Abgebrochen: Es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>Tenant slug</source>
        <translation>Mandantenkürzel</translation>
    </message>
</context>
<context>
    <name>TenantDesk::FieldError</name>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ImportDialog</name>
    <message>
        <source>Import Users</source>
        <translation>Benutzer importieren</translation>
    </message>
    <message>
        <source>Choose a file of users. It is read and checked first: nothing is written until you have seen the preview and pressed Import. Credentials in a file are never stored.</source>
        <translation>Wählen Sie eine Datei mit Benutzern. Sie wird zuerst gelesen und geprüft: Nichts wird geschrieben, bevor Sie die Vorschau gesehen und „Importieren“ gedrückt haben. Zugangsdaten in einer Datei werden nie gespeichert.</translation>
    </message>
    <message>
        <source>CSV (one row per membership)</source>
        <translation>CSV (eine Zeile pro Mitgliedschaft)</translation>
    </message>
    <message>
        <source>JSON (users with their memberships)</source>
        <translation>JSON (Benutzer mit ihren Mitgliedschaften)</translation>
    </message>
    <message>
        <source>Keycloak realm export (a file or a kc.sh export folder)</source>
        <translation>Keycloak-Realm-Export (eine Datei oder ein kc.sh-Exportordner)</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>&amp;Format:</translation>
    </message>
    <message>
        <source>The file to import</source>
        <translation>Die zu importierende Datei</translation>
    </message>
    <message>
        <source>Choose &amp;File…</source>
        <translation>&amp;Datei wählen…</translation>
    </message>
    <message>
        <source>Choose F&amp;older…</source>
        <translation>&amp;Ordner wählen…</translation>
    </message>
    <message>
        <source>A folder as kc.sh export --dir writes it: &lt;realm&gt;-realm.json and &lt;realm&gt;-users-N.json files</source>
        <translation>Ein Ordner, wie kc.sh export --dir ihn schreibt: Dateien &lt;realm&gt;-realm.json und &lt;realm&gt;-users-N.json</translation>
    </message>
    <message>
        <source>F&amp;ile:</source>
        <translation>&amp;Datei:</translation>
    </message>
    <message>
        <source>Tenant slug, e.g. acme</source>
        <translation>Mandantenkürzel, z. B. acme</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>&amp;Mandant:</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Vorschau</translation>
    </message>
    <message>
        <source>Read the file and check it, without writing anything</source>
        <translation>Die Datei lesen und prüfen, ohne etwas zu schreiben</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop reading; nothing has been written</source>
        <translation>Lesen beenden; es wurde nichts geschrieben</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Zurück</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>&amp;Importieren</translation>
    </message>
    <message>
        <source>An import is written in one transaction: it cannot be cancelled half-way, and a failure leaves nothing of it behind.</source>
        <translation>Ein Import wird in einer Transaktion geschrieben: Er kann nicht mittendrin abgebrochen werden, und ein Fehler hinterlässt nichts davon.</translation>
    </message>
    <message>
        <source>Import report</source>
        <translation>Importbericht</translation>
    </message>
    <message>
        <source>&amp;Copy Report</source>
        <translation>Bericht &amp;kopieren</translation>
    </message>
    <message>
        <source>Show &amp;Audit Trail</source>
        <translation>&amp;Prüfprotokoll anzeigen</translation>
    </message>
    <message>
        <source>The audit events of the tenant imported into</source>
        <translation>Die Prüfereignisse des Mandanten, in den importiert wurde</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Each realm becomes a new tenant of its own, named after the realm; you can change its slug in the preview.</source>
        <translation>Jeder Realm wird ein eigener neuer Mandant, benannt nach dem Realm; sein Kürzel können Sie in der Vorschau ändern.</translation>
    </message>
    <message>
        <source>Rows that name no tenant are memberships on this tenant. Rows may name other tenants by slug.</source>
        <translation>Zeilen ohne Mandant werden Mitgliedschaften auf diesem Mandanten. Zeilen können andere Mandanten über ihr Kürzel nennen.</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV-Dateien (*.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>JSON files (*.json);;All files (*)</source>
        <translation>JSON-Dateien (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Keycloak Export Folder</source>
        <translation>Keycloak-Exportordner</translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 is a folder. Choose a file, or the Keycloak format for a kc.sh export folder.</source>
        <translation>%1 ist ein Ordner. Wählen Sie eine Datei oder das Keycloak-Format für einen kc.sh-Exportordner.</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Reading the realm files in %1…</source>
        <translation>Die Realm-Dateien in %1 werden gelesen…</translation>
    </message>
    <message>
        <source>Reading %1 (%2)…</source>
        <translation>%1 wird gelesen (%2)…</translation>
    </message>
    <message>
        <source>Checking the rows…</source>
        <translation>Die Zeilen werden geprüft…</translation>
    </message>
    <message>
        <source>Reading cancelled; nothing was written.</source>
        <translation>Lesen abgebrochen; es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>%1 holds nothing to import.</source>
        <translation>%1 enthält nichts zu importieren.</translation>
    </message>
    <message>
        <source>%1 could not be read. %2</source>
        <translation>%1 konnte nicht gelesen werden. %2</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;: %n realm(s), each imported as a new tenant. Checked by the store: nothing has been written yet.</source>
        <translation>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n Realm, als neuer Mandant importiert. Vom Speicher geprüft: Es wurde noch nichts geschrieben.</numerusform>
            <numerusform>&lt;b&gt;%1&lt;/b&gt;: %n Realms, jeder als neuer Mandant importiert. Vom Speicher geprüft: Es wurde noch nichts geschrieben.</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; into the tenant &lt;b&gt;%2&lt;/b&gt;. Checked by the store: nothing has been written yet.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; in den Mandanten &lt;b&gt;%2&lt;/b&gt;. Vom Speicher geprüft: Es wurde noch nichts geschrieben.</translation>
    </message>
    <message>
        <source>New tenant “%1”, slug:</source>
        <translation>Neuer Mandant „%1“, Kürzel:</translation>
    </message>
    <message>
        <source>The new tenant&apos;s slug; change it when a tenant has it already</source>
        <translation>Das Kürzel des neuen Mandanten; ändern Sie es, wenn ein Mandant es schon hat</translation>
    </message>
    <message>
        <source>Import this &amp;realm</source>
        <translation>Diesen &amp;Realm importieren</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Memberships</source>
        <translation>Mitgliedschaften</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Users (the first %1 of %2; the counts above cover them all):</source>
        <translation>Benutzer (die ersten %1 von %2; die Zahlen oben umfassen alle):</translation>
    </message>
    <message>
        <source>Users (%1):</source>
        <translation>Benutzer (%1):</translation>
    </message>
    <message>
        <source>What was mapped and skipped (%1):</source>
        <translation>Was abgebildet und übersprungen wurde (%1):</translation>
    </message>
    <message>
        <source>Nothing to note: every column was read.</source>
        <translation>Nichts anzumerken: Jede Spalte wurde gelesen.</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Zeile</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Double-click an issue to copy it</source>
        <translation>Doppelklicken Sie auf ein Problem, um es zu kopieren</translation>
    </message>
    <message>
        <source>Line %1, %2: %3</source>
        <translation>Zeile %1, %2: %3</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Issues: checking…</source>
        <translation>Probleme: Prüfung läuft…</translation>
    </message>
    <message>
        <source>Issues: none.</source>
        <translation>Probleme: keine.</translation>
    </message>
    <message numerus="yes">
        <source>Issues (%n), by line; nothing is imported while any remain:</source>
        <translation>
            <numerusform>Probleme (%n), nach Zeile; solange eines besteht, wird nichts importiert:</numerusform>
            <numerusform>Probleme (%n), nach Zeile; solange welche bestehen, wird nichts importiert:</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking with the store…</source>
        <translation>Prüfung durch den Speicher…</translation>
    </message>
    <message>
        <source>The store could not check this import: %1</source>
        <translation>Der Speicher konnte diesen Import nicht prüfen: %1</translation>
    </message>
    <message>
        <source>Would import: &lt;b&gt;%1&lt;/b&gt; new user(s), &lt;b&gt;%2&lt;/b&gt; existing (they keep their profile and status and gain the memberships), &lt;b&gt;%3&lt;/b&gt; new role(s), &lt;b&gt;%4&lt;/b&gt; membership(s).</source>
        <translation>Würde importieren: &lt;b&gt;%1&lt;/b&gt; neue(n) Benutzer, &lt;b&gt;%2&lt;/b&gt; vorhandene (sie behalten Profil und Status und erhalten die Mitgliedschaften), &lt;b&gt;%3&lt;/b&gt; neue Rolle(n), &lt;b&gt;%4&lt;/b&gt; Mitgliedschaft(en).</translation>
    </message>
    <message>
        <source>Realm roles, client roles and groups become roles of the new tenant without permissions: grant them in the role editor afterwards.</source>
        <translation>Realm-Rollen, Client-Rollen und Gruppen werden Rollen des neuen Mandanten ohne Berechtigungen: Vergeben Sie diese danach im Rolleneditor.</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n issue(s))</source>
        <translation>
            <numerusform>%1 (%n Problem)</numerusform>
            <numerusform>%1 (%n Probleme)</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing has been read yet.</source>
        <translation>Es wurde noch nichts gelesen.</translation>
    </message>
    <message>
        <source>The store is still checking the import…</source>
        <translation>Der Speicher prüft den Import noch…</translation>
    </message>
    <message>
        <source>The store could not check %1: %2</source>
        <translation>Der Speicher konnte %1 nicht prüfen: %2</translation>
    </message>
    <message>
        <source>Two realms would become the tenant “%1”: give one another slug.</source>
        <translation>Zwei Realms würden zum Mandanten „%1“: Geben Sie einem ein anderes Kürzel.</translation>
    </message>
    <message>
        <source>No realm is chosen: tick “Import this realm” on at least one.</source>
        <translation>Kein Realm gewählt: Haken Sie bei mindestens einem „Diesen Realm importieren“ an.</translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the export and read it again, change the slug of a tenant that exists already, or leave the realm out.</source>
        <translation>
            <numerusform>Importieren ist deaktiviert, solange %n Problem besteht: Korrigieren Sie den Export und lesen Sie ihn erneut, ändern Sie das Kürzel eines schon vorhandenen Mandanten oder lassen Sie den Realm aus.</numerusform>
            <numerusform>Importieren ist deaktiviert, solange %n Probleme bestehen: Korrigieren Sie den Export und lesen Sie ihn erneut, ändern Sie das Kürzel eines schon vorhandenen Mandanten oder lassen Sie den Realm aus.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the export and read it again, or change the slug of a tenant that exists already.</source>
        <translation>
            <numerusform>Importieren ist deaktiviert, solange %n Problem besteht: Korrigieren Sie den Export und lesen Sie ihn erneut oder ändern Sie das Kürzel eines schon vorhandenen Mandanten.</numerusform>
            <numerusform>Importieren ist deaktiviert, solange %n Probleme bestehen: Korrigieren Sie den Export und lesen Sie ihn erneut oder ändern Sie das Kürzel eines schon vorhandenen Mandanten.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the file and read it again (Back).</source>
        <translation>
            <numerusform>Importieren ist deaktiviert, solange %n Problem besteht: Korrigieren Sie die Datei und lesen Sie sie erneut (Zurück).</numerusform>
            <numerusform>Importieren ist deaktiviert, solange %n Probleme bestehen: Korrigieren Sie die Datei und lesen Sie sie erneut (Zurück).</numerusform>
        </translation>
    </message>
    <message>
        <source>The file holds no users or roles to import.</source>
        <translation>Die Datei enthält keine Benutzer oder Rollen zum Importieren.</translation>
    </message>
    <message>
        <source>Write the import, one transaction per tenant</source>
        <translation>Den Import schreiben, eine Transaktion je Mandant</translation>
    </message>
    <message>
        <source>No issues. Import writes the %1 realms, each in its own transaction.</source>
        <translation>Keine Probleme. „Importieren“ schreibt die %1 Realms, jeden in einer eigenen Transaktion.</translation>
    </message>
    <message>
        <source>No issues. Import writes it in one transaction.</source>
        <translation>Keine Probleme. „Importieren“ schreibt ihn in einer Transaktion.</translation>
    </message>
    <message>
        <source>Importing the realm as the tenant “%1”…</source>
        <translation>Der Realm wird als Mandant „%1“ importiert…</translation>
    </message>
    <message numerus="yes">
        <source>Importing %n user(s) into “%1”…</source>
        <translation>
            <numerusform>%n Benutzer wird nach „%1“ importiert…</numerusform>
            <numerusform>%n Benutzer werden nach „%1“ importiert…</numerusform>
        </translation>
    </message>
    <message>
        <source>line %1, %2: %3</source>
        <translation>Zeile %1, %2: %3</translation>
    </message>
    <message>
        <source>%1 was not imported: the store found issues it had not found in the preview (%2).</source>
        <translation>%1 wurde nicht importiert: Der Speicher fand Probleme, die er in der Vorschau nicht gefunden hatte (%2).</translation>
    </message>
    <message>
        <source>%1 was not imported: %2</source>
        <translation>%1 wurde nicht importiert: %2</translation>
    </message>
    <message>
        <source>%1 → the new tenant “%2”</source>
        <translation>%1 → der neue Mandant „%2“</translation>
    </message>
    <message>
        <source>%1 → the tenant “%2”</source>
        <translation>%1 → der Mandant „%2“</translation>
    </message>
    <message>
        <source>  Users created: %1</source>
        <translation>Angelegte Benutzer: %1</translation>
    </message>
    <message>
        <source>  Users that existed (memberships added, profile kept): %1</source>
        <translation>Vorhandene Benutzer (Mitgliedschaften hinzugefügt, Profil behalten): %1</translation>
    </message>
    <message>
        <source>  Roles created: %1</source>
        <translation>Angelegte Rollen: %1</translation>
    </message>
    <message>
        <source>  Memberships: %1</source>
        <translation>Mitgliedschaften: %1</translation>
    </message>
    <message>
        <source>  Notes:</source>
        <translation>Hinweise:</translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation>Es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>Stopped: %1</source>
        <translation>Angehalten: %1</translation>
    </message>
    <message>
        <source>What is listed above was written (each tenant in its own transaction); nothing of the rest was.</source>
        <translation>Was oben aufgeführt ist, wurde geschrieben (jeder Mandant in einer eigenen Transaktion); vom Rest nichts.</translation>
    </message>
    <message>
        <source>Nothing was written.</source>
        <translation>Es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>Imported users are invited (or disabled when the file says so); no credential was stored.</source>
        <translation>Importierte Benutzer sind eingeladen (oder deaktiviert, wenn die Datei es so angibt); es wurden keine Zugangsdaten gespeichert.</translation>
    </message>
    <message>
        <source>Users to import</source>
        <translation>Zu importierende Benutzer</translation>
    </message>
    <message>
        <source>What was mapped and skipped</source>
        <translation>Was abgebildet und übersprungen wurde</translation>
    </message>
    <message>
        <source>Issues</source>
        <translation>Probleme</translation>
    </message>
</context>
<context>
    <name>TenantDesk::MainWindow</name>
    <message>
        <source>No database open</source>
        <translation>Keine Datenbank geöffnet</translation>
    </message>
    <message>
        <source>Find a tenant by name or slug (Ctrl+F)</source>
        <translation>Mandant nach Name oder Kürzel suchen (Strg+F)</translation>
    </message>
    <message>
        <source>Could not load tenants</source>
        <translation>Mandanten konnten nicht geladen werden</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New Database…</source>
        <translation>&amp;Neue Datenbank…</translation>
    </message>
    <message>
        <source>&amp;Open Database…</source>
        <translation>Datenbank ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open &amp;Demo</source>
        <translation>&amp;Demo öffnen</translation>
    </message>
    <message>
        <source>Connect to &amp;Server…</source>
        <translation>Mit &amp;Server verbinden…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Import Users…</source>
        <translation>Benutzer &amp;importieren…</translation>
    </message>
    <message>
        <source>&amp;Export Users…</source>
        <translation>Benutzer e&amp;xportieren…</translation>
    </message>
    <message>
        <source>&amp;Close Database</source>
        <translation>Datenbank s&amp;chließen</translation>
    </message>
    <message>
        <source>Sign &amp;Out</source>
        <translation>&amp;Abmelden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>Edit &amp;Tenant…</source>
        <translation>&amp;Mandant bearbeiten…</translation>
    </message>
    <message>
        <source>&amp;Tenant</source>
        <translation>&amp;Mandant</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Find Tenant</source>
        <translation>Mandant &amp;suchen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>A&amp;ktualisieren</translation>
    </message>
    <message>
        <source>&amp;Collapse All</source>
        <translation>Alle &amp;zuklappen</translation>
    </message>
    <message>
        <source>&amp;Audit Trail</source>
        <translation>&amp;Prüfprotokoll</translation>
    </message>
    <message>
        <source>&amp;Users</source>
        <translation>&amp;Benutzer</translation>
    </message>
    <message>
        <source>&amp;Roles</source>
        <translation>&amp;Rollen</translation>
    </message>
    <message>
        <source>View &amp;as…</source>
        <translation>A&amp;nzeigen als…</translation>
    </message>
    <message>
        <source>Preview the console read-only, exactly as a chosen user sees it</source>
        <translation>Die Konsole schreibgeschützt so ansehen, wie ein gewählter Benutzer sie sieht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About TenantDesk</source>
        <translation>&amp;Über TenantDesk</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Open Database</source>
        <translation>Datenbank öffnen</translation>
    </message>
    <message>
        <source>TenantDesk databases (*.%1 *.sqlite *.db);;All files (*)</source>
        <translation>TenantDesk-Datenbanken (*.%1 *.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>New Database</source>
        <translation>Neue Datenbank</translation>
    </message>
    <message>
        <source>TenantDesk databases (*.%1)</source>
        <translation>TenantDesk-Datenbanken (*.%1)</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>%1 wird geöffnet…</translation>
    </message>
    <message>
        <source>Could not open the database</source>
        <translation>Die Datenbank konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Opening the demo platform…</source>
        <translation>Die Demoplattform wird geöffnet…</translation>
    </message>
    <message>
        <source>Could not open the demo platform</source>
        <translation>Die Demoplattform konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Generating the demo platform: tenants, users, usage and billing…</source>
        <translation>Die Demoplattform wird erzeugt: Mandanten, Benutzer, Nutzung und Abrechnung…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Open Demo</source>
        <translation>Demo öffnen</translation>
    </message>
    <message>
        <source>Could not generate the demo platform</source>
        <translation>Die Demoplattform konnte nicht erzeugt werden</translation>
    </message>
    <message>
        <source>Demo generation cancelled; nothing was kept.</source>
        <translation>Erzeugen der Demo abgebrochen; es wurde nichts behalten.</translation>
    </message>
    <message>
        <source>Signing in to %1…</source>
        <translation>Anmeldung bei %1…</translation>
    </message>
    <message>
        <source>Enter your password to sign in to %1 as %2.</source>
        <translation>Geben Sie Ihr Passwort ein, um sich bei %1 als %2 anzumelden.</translation>
    </message>
    <message>
        <source>Could not keep the session in the keychain: %1</source>
        <translation>Die Sitzung konnte nicht im Schlüsselbund aufbewahrt werden: %1</translation>
    </message>
    <message>
        <source>Could not remove the session from the keychain</source>
        <translation>Die Sitzung konnte nicht aus dem Schlüsselbund entfernt werden</translation>
    </message>
    <message>
        <source>Signed out of %1.</source>
        <translation>Von %1 abgemeldet.</translation>
    </message>
    <message>
        <source>Signed out on this computer only</source>
        <translation>Nur auf diesem Computer abgemeldet</translation>
    </message>
    <message>
        <source>The server could not be told, so the session ends when it expires: %1</source>
        <translation>Der Server konnte nicht benachrichtigt werden, daher endet die Sitzung erst mit ihrem Ablauf: %1</translation>
    </message>
    <message>
        <source>%1 on %2 — TenantDesk</source>
        <translation>%1 auf %2 — TenantDesk</translation>
    </message>
    <message>
        <source>Signed in to %1.</source>
        <translation>Bei %1 angemeldet.</translation>
    </message>
    <message>
        <source>%1 — TenantDesk</source>
        <translation>%1 — TenantDesk</translation>
    </message>
    <message>
        <source>Created a new database.</source>
        <translation>Neue Datenbank angelegt.</translation>
    </message>
    <message>
        <source>Database opened.</source>
        <translation>Datenbank geöffnet.</translation>
    </message>
    <message>
        <source>Could not show the details</source>
        <translation>Die Details konnten nicht angezeigt werden</translation>
    </message>
    <message>
        <source>No tenant&apos;s name or slug contains “%1”.</source>
        <translation>Kein Mandantenname und kein Kürzel enthält „%1“.</translation>
    </message>
    <message>
        <source>Showing the first %1 matching tenants; type more to narrow the search.</source>
        <translation>Die ersten %1 passenden Mandanten werden angezeigt; tippen Sie weiter, um die Suche einzugrenzen.</translation>
    </message>
    <message numerus="yes">
        <source>%n tenant(s) found.</source>
        <translation>
            <numerusform>%n Mandant gefunden.</numerusform>
            <numerusform>%n Mandanten gefunden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy Name</source>
        <translation>Name kopieren</translation>
    </message>
    <message>
        <source>Copy Slug</source>
        <translation>Kürzel kopieren</translation>
    </message>
    <message>
        <source>Collapse</source>
        <translation>Zuklappen</translation>
    </message>
    <message>
        <source>Expand</source>
        <translation>Aufklappen</translation>
    </message>
    <message>
        <source>Audit Trail</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <source>About TenantDesk</source>
        <translation>Über TenantDesk</translation>
    </message>
    <message>
        <source>&lt;h3&gt;TenantDesk %1&lt;/h3&gt;&lt;p&gt;A native console for administering multi-tenant platforms.&lt;/p&gt;&lt;p&gt;Qt %2 (built with %3)&lt;br&gt;Database: %4&lt;/p&gt;</source>
        <translation>&lt;h3&gt;TenantDesk %1&lt;/h3&gt;&lt;p&gt;Eine native Konsole zur Verwaltung mandantenfähiger Plattformen.&lt;/p&gt;&lt;p&gt;Qt %2 (erstellt mit %3)&lt;br&gt;Datenbank: %4&lt;/p&gt;</translation>
    </message>
    <message>
        <source>none open</source>
        <translation>keine geöffnet</translation>
    </message>
    <message>
        <source>Created “%1” (%2), requested. Provision it from the Tenant menu.</source>
        <translation>„%1“ (%2) angelegt, beantragt. Stellen Sie ihn über das Menü „Mandant“ bereit.</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>End Preview</source>
        <translation>Vorschau beenden</translation>
    </message>
    <message>
        <source>Back to your own view (Escape)</source>
        <translation>Zurück zu Ihrer eigenen Ansicht (Escape)</translation>
    </message>
    <message>
        <source>Could not tell who you are on this store: %1</source>
        <translation>Es konnte nicht festgestellt werden, wer Sie in diesem Speicher sind: %1</translation>
    </message>
    <message>
        <source>View As</source>
        <translation>Anzeigen als</translation>
    </message>
    <message>
        <source>See the console exactly as this user would, read-only.

E-mail of the user:</source>
        <translation>Die Konsole genau so sehen, wie dieser Benutzer sie sähe, schreibgeschützt.

E-Mail-Adresse des Benutzers:</translation>
    </message>
    <message>
        <source>Could not view as this user</source>
        <translation>Anzeige als dieser Benutzer nicht möglich</translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation>Es gibt keinen Benutzer mit der E-Mail-Adresse „%1“.</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>%1 of %2, environment %3</source>
        <translation>%1 von %2, Umgebung %3</translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 und %n weitere</numerusform>
            <numerusform>%1 und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>no roles</source>
        <translation>keine Rollen</translation>
    </message>
    <message numerus="yes">
        <source>%n grant(s)</source>
        <translation>
            <numerusform>%n Zuweisung</numerusform>
            <numerusform>%n Zuweisungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Viewing as %1 (%2) — read-only</source>
        <translation>Anzeige als %1 (%2) — schreibgeschützt</translation>
    </message>
    <message>
        <source>Viewing as %1 — TenantDesk</source>
        <translation>Anzeige als %1 — TenantDesk</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Audit Trail Warning</source>
        <translation>Warnung zum Prüfprotokoll</translation>
    </message>
    <message>
        <source>Import &amp;Billing…</source>
        <translation>Abrechn&amp;ung importieren…</translation>
    </message>
    <message>
        <source>Import a FOCUS, AWS CUR or Azure cost export into this database</source>
        <translation>Einen Kostenexport von FOCUS, AWS CUR oder Azure in diese Datenbank importieren</translation>
    </message>
    <message>
        <source>Open Re&amp;view File…</source>
        <translation>Datei zur &amp;Prüfung öffnen…</translation>
    </message>
    <message>
        <source>Open a .tenantdesk file someone sent, on its billing review; no server needed</source>
        <translation>Eine zugeschickte .tenantdesk-Datei in ihrer Abrechnungsprüfung öffnen; kein Server nötig</translation>
    </message>
    <message>
        <source>Usa&amp;ge</source>
        <translation>N&amp;utzung</translation>
    </message>
    <message>
        <source>Usage charts of the selected tenant or environment, or the top tenants of the platform</source>
        <translation>Nutzungsdiagramme des gewählten Mandanten oder der gewählten Umgebung oder die größten Mandanten der Plattform</translation>
    </message>
    <message>
        <source>&amp;Billing</source>
        <translation>Abre&amp;chnung</translation>
    </message>
    <message>
        <source>Attribution &amp;Rules…</source>
        <translation>Zuordnungs&amp;regeln…</translation>
    </message>
    <message>
        <source>&amp;Export Report…</source>
        <translation>Bericht &amp;exportieren…</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Nutzung</translation>
    </message>
    <message>
        <source>Open Review File</source>
        <translation>Datei zur Prüfung öffnen</translation>
    </message>
    <message>
        <source>TenantDesk review files (*.%1 *.sqlite *.db);;All files (*)</source>
        <translation>TenantDesk-Dateien zur Prüfung (*.%1 *.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Find a tenant</source>
        <translation>Mandant suchen</translation>
    </message>
    <message>
        <source>Tenants</source>
        <translation>Mandanten</translation>
    </message>
    <message>
        <source>The platform, its tenants and sub-tenants and their environments; the selected one is shown on the right</source>
        <translation>Die Plattform, ihre Mandanten und Untermandanten und deren Umgebungen; das ausgewählte Element wird rechts angezeigt</translation>
    </message>
    <message>
        <source>T&amp;ools</source>
        <translation>E&amp;xtras</translation>
    </message>
    <message>
        <source>&amp;Branding Editor…</source>
        <translation>&amp;Markeneditor…</translation>
    </message>
    <message>
        <source>Make a tenant&apos;s branding pack: colours, logo and product name (platform admins)</source>
        <translation>Das Markenpaket eines Mandanten erstellen: Farben, Logo und Produktname (Plattformadministratoren)</translation>
    </message>
    <message>
        <source>End &amp;Preview</source>
        <translation>&amp;Vorschau beenden</translation>
    </message>
    <message>
        <source>Tenants (preview)</source>
        <translation>Mandanten (Vorschau)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::MembershipPicker</name>
    <message>
        <source>Tenant slug, e.g. acme.emea</source>
        <translation>Mandantenkürzel, z. B. acme.emea</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>&amp;Mandant:</translation>
    </message>
    <message>
        <source>Whole tenant</source>
        <translation>Ganzer Mandant</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rolle:</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation>Kein Mandant hat das Kürzel „%1“.</translation>
    </message>
    <message>
        <source>%1 (custom)</source>
        <translation>%1 (eigene)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Params</name>
    <message>
        <source>%1: this query parameter is unknown here.</source>
        <translation>%1: Dieser Abfrageparameter ist hier unbekannt.</translation>
    </message>
    <message>
        <source>%1: given more than once.</source>
        <translation>%1: mehrfach angegeben.</translation>
    </message>
    <message>
        <source>%1: at most %2 characters.</source>
        <translation>%1: höchstens %2 Zeichen.</translation>
    </message>
    <message>
        <source>%1: expected a tenant, user or environment id (a whole number).</source>
        <translation>%1: eine Mandanten-, Benutzer- oder Umgebungs-ID (eine ganze Zahl) erwartet.</translation>
    </message>
    <message>
        <source>limit: a page holds 1 to %1 items.</source>
        <translation>limit: Eine Seite umfasst 1 bis %1 Einträge.</translation>
    </message>
    <message>
        <source>%1: expected an ISO 8601 time such as 2026-11-01T00:00:00Z.</source>
        <translation>%1: eine Zeitangabe nach ISO 8601 wie 2026-11-01T00:00:00Z erwartet.</translation>
    </message>
    <message>
        <source>%1: “%2” is not one of the accepted values.</source>
        <translation>%1: „%2“ ist keiner der zulässigen Werte.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PdfLayout</name>
    <message>
        <source>Page %1</source>
        <translation>Seite %1</translation>
    </message>
    <message>
        <source>%1 of %2 %3 (%4 %)</source>
        <translation>%1 von %2 %3 (%4 %)</translation>
    </message>
    <message>
        <source>Cost in the latest month as a share of the monthly budget; the dark line is the budget.</source>
        <translation>Kosten des letzten Monats als Anteil am Monatsbudget; die dunkle Linie ist das Budget.</translation>
    </message>
    <message>
        <source>%1 · generated %2</source>
        <translation>%1 · erstellt %2</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PermissionMatrixModel</name>
    <message>
        <source>Granted by this role.</source>
        <translation>Durch diese Rolle gewährt.</translation>
    </message>
    <message>
        <source>Included through %1.</source>
        <translation>Enthalten über %1.</translation>
    </message>
    <message>
        <source>Not granted.</source>
        <translation>Nicht gewährt.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PlatformPage</name>
    <message>
        <source>Database:</source>
        <translation>Datenbank:</translation>
    </message>
    <message>
        <source>Tenants:</source>
        <translation>Mandanten:</translation>
    </message>
    <message>
        <source>Top-level tenants:</source>
        <translation>Mandanten der obersten Ebene:</translation>
    </message>
    <message>
        <source>By status:</source>
        <translation>Nach Status:</translation>
    </message>
    <message>
        <source>Environments:</source>
        <translation>Umgebungen:</translation>
    </message>
    <message>
        <source>Users:</source>
        <translation>Benutzer:</translation>
    </message>
    <message>
        <source>Roles:</source>
        <translation>Rollen:</translation>
    </message>
    <message>
        <source>Schema version:</source>
        <translation>Schemaversion:</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PostgresLineWriter</name>
    <message>
        <source>Could not write the billing lines</source>
        <translation>Die Abrechnungszeilen konnten nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Systemstandard</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Applies at once to every open window. With the system default, a tenant administrator sees the language set for their tenant.</source>
        <translation>Gilt sofort für jedes geöffnete Fenster. Mit dem Systemstandard sieht ein Mandantenadministrator die für seinen Mandanten eingestellte Sprache.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PreviewStore</name>
    <message>
        <source>This is a read-only preview of what %1 sees.</source>
        <translation>Dies ist eine schreibgeschützte Vorschau dessen, was %1 sieht.</translation>
    </message>
    <message>
        <source>This needs the platform-wide permission %1; name a tenant you administer instead.</source>
        <translation>Dies erfordert die plattformweite Berechtigung %1; nennen Sie stattdessen einen Mandanten, den Sie verwalten.</translation>
    </message>
    <message>
        <source>You may not do this on this tenant (it needs the permission %1).</source>
        <translation>Sie dürfen dies bei diesem Mandanten nicht tun (dazu ist die Berechtigung %1 nötig).</translation>
    </message>
    <message>
        <source>There is no tenant with this slug that you may see.</source>
        <translation>Es gibt keinen Mandanten mit diesem Kürzel, den Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>There is no environment with id %1 that you may see.</source>
        <translation>Es gibt keine Umgebung mit der ID %1, die Sie sehen dürfen.</translation>
    </message>
    <message>
        <source>There is no user with id %1 that you may see.</source>
        <translation>Es gibt keinen Benutzer mit der ID %1, den Sie sehen dürfen.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::PromoteDialog</name>
    <message>
        <source>Promote Settings</source>
        <translation>Einstellungen übertragen</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Von:</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Nach:</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>Unterschiede</translation>
    </message>
    <message>
        <source>Promote</source>
        <translation>Übertragen</translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) will change in the target.</source>
        <translation>
            <numerusform>%n Einstellung wird sich im Ziel ändern.</numerusform>
            <numerusform>%n Einstellungen werden sich im Ziel ändern.</numerusform>
        </translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <source>Differs: ticked keys take the value of %1.</source>
        <translation>Unterschiedlich: Angehakte Schlüssel übernehmen den Wert von %1.</translation>
    </message>
    <message>
        <source>Choose two different environments.</source>
        <translation>Wählen Sie zwei verschiedene Umgebungen.</translation>
    </message>
    <message>
        <source>The settings are the same: nothing to promote.</source>
        <translation>Die Einstellungen sind gleich: Es gibt nichts zu übertragen.</translation>
    </message>
    <message>
        <source>The target was changed by someone else meanwhile; close this window and promote again.</source>
        <translation>Das Ziel wurde inzwischen von jemand anderem geändert; schließen Sie dieses Fenster und übertragen Sie erneut.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RealmReader</name>
    <message>
        <source>%1 holds users of the realm “%2”, not of “%3”; its users are not read.</source>
        <translation>%1 enthält Benutzer des Realms „%2“, nicht von „%3“; seine Benutzer werden nicht gelesen.</translation>
    </message>
    <message>
        <source>%1 has no “users” array.</source>
        <translation>%1 hat kein Array „users“.</translation>
    </message>
    <message>
        <source>The realm “%1” gives no usable tenant slug: %2</source>
        <translation>Der Realm „%1“ ergibt kein verwendbares Mandantenkürzel: %2</translation>
    </message>
    <message>
        <source>Realm role “%1”</source>
        <translation>Realm-Rolle „%1“</translation>
    </message>
    <message>
        <source>the realm role “%1”</source>
        <translation>die Realm-Rolle „%1“</translation>
    </message>
    <message>
        <source>Client “%1”</source>
        <translation>Client „%1“</translation>
    </message>
    <message>
        <source>the client role “%1”</source>
        <translation>die Client-Rolle „%1“</translation>
    </message>
    <message>
        <source>The composite role “%1” includes %2, which the realm does not define.</source>
        <translation>Die zusammengesetzte Rolle „%1“ enthält %2, das der Realm nicht definiert.</translation>
    </message>
    <message>
        <source>Members of the Keycloak group %1</source>
        <translation>Mitglieder der Keycloak-Gruppe %1</translation>
    </message>
    <message>
        <source>The group %1 has %2, which the realm does not define.</source>
        <translation>Die Gruppe %1 hat %2, das der Realm nicht definiert.</translation>
    </message>
    <message>
        <source> (in %1)</source>
        <translation>(in %1)</translation>
    </message>
    <message>
        <source>The user “%1”%2: %3</source>
        <translation>Der Benutzer „%1“%2: %3</translation>
    </message>
    <message>
        <source>The users “%1”%2 and “%3”%4 have the same e-mail address %5.</source>
        <translation>Die Benutzer „%1“%2 und „%3“%4 haben dieselbe E-Mail-Adresse %5.</translation>
    </message>
    <message>
        <source>the group %1</source>
        <translation>die Gruppe %1</translation>
    </message>
    <message>
        <source>The user “%1”%2 has %3, which the realm does not define.</source>
        <translation>Der Benutzer „%1“%2 hat %3, das der Realm nicht definiert.</translation>
    </message>
    <message>
        <source>Realm “%1” from %2: imported as the new tenant “%3” (%4).</source>
        <translation>Realm „%1“ aus %2: als neuer Mandant „%3“ (%4) importiert.</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) read</source>
        <translation>
            <numerusform>%n Benutzer gelesen</numerusform>
            <numerusform>%n Benutzer gelesen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n imported</source>
        <translation>
            <numerusform>%n importiert</numerusform>
            <numerusform>%n importiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n skipped</source>
        <translation>
            <numerusform>%n übersprungen</numerusform>
            <numerusform>%n übersprungen</numerusform>
        </translation>
    </message>
    <message>
        <source>no e-mail address, which a user here needs (%1)</source>
        <translation>keine E-Mail-Adresse, die ein Benutzer hier braucht (%1)</translation>
    </message>
    <message>
        <source>service accounts of clients, not people (%1)</source>
        <translation>Dienstkonten von Clients, keine Personen (%1)</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) disabled: not enabled in Keycloak.</source>
        <translation>
            <numerusform>%n Benutzer deaktiviert: in Keycloak nicht aktiviert.</numerusform>
            <numerusform>%n Benutzer deaktiviert: in Keycloak nicht aktiviert.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) had credentials: dropped, never stored. The users are invited and choose their own at their first sign-in.</source>
        <translation>
            <numerusform>%n Benutzer hatten Zugangsdaten: verworfen, nie gespeichert. Die Benutzer sind eingeladen und wählen bei ihrer ersten Anmeldung eigene.</numerusform>
            <numerusform>%n Benutzer hatten Zugangsdaten: verworfen, nie gespeichert. Die Benutzer sind eingeladen und wählen bei ihrer ersten Anmeldung eigene.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n realm role(s) imported as roles of the tenant</source>
        <translation>
            <numerusform>%n Realm-Rolle(n) als Rollen des Mandanten importiert</numerusform>
            <numerusform>%n Realm-Rolle(n) als Rollen des Mandanten importiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n client role(s)</source>
        <translation>
            <numerusform>%n Client-Rolle(n)</numerusform>
            <numerusform>%n Client-Rolle(n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>of %n client(s), named “client:role”</source>
        <translation>
            <numerusform>von %n Client(s), benannt „client:rolle“</numerusform>
            <numerusform>von %n Client(s), benannt „client:rolle“</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n composite role(s) include the roles they list.</source>
        <translation>
            <numerusform>%n zusammengesetzte Rolle(n) enthalten die Rollen, die sie aufführen.</numerusform>
            <numerusform>%n zusammengesetzte Rolle(n) enthalten die Rollen, die sie aufführen.</numerusform>
        </translation>
    </message>
    <message>
        <source>The roles carry no permissions: a Keycloak role means what its applications make of it. Grant permissions in the role editor.</source>
        <translation>Die Rollen tragen keine Berechtigungen: Eine Keycloak-Rolle bedeutet, was ihre Anwendungen daraus machen. Vergeben Sie Berechtigungen im Rolleneditor.</translation>
    </message>
    <message numerus="yes">
        <source>%n group(s)</source>
        <translation>
            <numerusform>%n Gruppe(n)</numerusform>
            <numerusform>%n Gruppe(n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>(%n at the top)</source>
        <translation>
            <numerusform>(%n auf oberster Ebene)</numerusform>
            <numerusform>(%n auf oberster Ebene)</numerusform>
        </translation>
    </message>
    <message>
        <source>imported as composite roles named “group:/path”, each including the group&apos;s roles and its parent group&apos;s role; a member gets one membership with the group&apos;s role.</source>
        <translation>importiert als zusammengesetzte Rollen namens „group:/pfad“, jede mit den Rollen der Gruppe und der Rolle ihrer übergeordneten Gruppe; ein Mitglied erhält eine Mitgliedschaft mit der Rolle der Gruppe.</translation>
    </message>
    <message numerus="yes">
        <source>%n membership(s) on the new tenant: one per realm role, client role and group of each imported user.</source>
        <translation>
            <numerusform>%n Mitgliedschaft(en) auf dem neuen Mandanten: eine je Realm-Rolle, Client-Rolle und Gruppe jedes importierten Benutzers.</numerusform>
            <numerusform>%n Mitgliedschaft(en) auf dem neuen Mandanten: eine je Realm-Rolle, Client-Rolle und Gruppe jedes importierten Benutzers.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n Benutzer</numerusform>
            <numerusform>%n Benutzer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n composite role(s)</source>
        <translation>
            <numerusform>%n zusammengesetzte Rolle(n)</numerusform>
            <numerusform>%n zusammengesetzte Rolle(n)</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 skipped (%2)</source>
        <translation>%1 übersprungen (%2)</translation>
    </message>
    <message>
        <source>: its roles %1</source>
        <translation>: ihre Rollen %1</translation>
    </message>
    <message numerus="yes">
        <source>%n definition(s) left out</source>
        <translation>
            <numerusform>%n Definition(en) ausgelassen</numerusform>
            <numerusform>%n Definition(en) ausgelassen</numerusform>
        </translation>
    </message>
    <message>
        <source>named by no user, group or composite role.</source>
        <translation>von keinem Benutzer, keiner Gruppe und keiner zusammengesetzten Rolle genannt.</translation>
    </message>
    <message>
        <source>dropped from %1.</source>
        <translation>aus %1 entfernt.</translation>
    </message>
    <message>
        <source>The realm&apos;s default roles (%1) are not granted: Keycloak grants them at registration, and the export lists the roles each user has.</source>
        <translation>Die Standardrollen des Realms (%1) werden nicht zugewiesen: Keycloak vergibt sie bei der Registrierung, und der Export führt die Rollen jedes Benutzers auf.</translation>
    </message>
    <message numerus="yes">
        <source>Not imported: %n client(s), client scopes, identity providers and the realm&apos;s settings, which configure Keycloak itself.</source>
        <translation>
            <numerusform>Nicht importiert: %n Client(s), Client-Scopes, Identitätsanbieter und die Einstellungen des Realms, die Keycloak selbst konfigurieren.</numerusform>
            <numerusform>Nicht importiert: %n Client(s), Client-Scopes, Identitätsanbieter und die Einstellungen des Realms, die Keycloak selbst konfigurieren.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::RequestContext</name>
    <message>
        <source>The body could not be read to its end.</source>
        <translation>Der Inhalt konnte nicht bis zu seinem Ende gelesen werden.</translation>
    </message>
    <message>
        <source>The body is larger than the %1 bytes this request accepts.</source>
        <translation>Der Inhalt ist größer als die %1 Bytes, die diese Anfrage annimmt.</translation>
    </message>
    <message>
        <source>The body was read twice.</source>
        <translation>Der Inhalt wurde zweimal gelesen.</translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (its disk may be full).</source>
        <translation>Der Server konnte die hochgeladene Datei nicht ablegen (sein Datenträger ist vielleicht voll).</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Response</name>
    <message>
        <source>The server&apos;s answer to %1 is not a JSON object.</source>
        <translation>Die Antwort des Servers auf %1 ist kein JSON-Objekt.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RestStore</name>
    <message>
        <source>Server — %1</source>
        <translation>Server — %1</translation>
    </message>
    <message>
        <source>Server — %1 (%2)</source>
        <translation>Server — %1 (%2)</translation>
    </message>
    <message>
        <source>%1 does not answer like a TenantDesk server.</source>
        <translation>%1 antwortet nicht wie ein TenantDesk-Server.</translation>
    </message>
    <message>
        <source>The server at %1 reports that it is not ready.</source>
        <translation>Der Server unter %1 meldet, dass er nicht bereit ist.</translation>
    </message>
    <message>
        <source>The file is not a tenant backup: it is not a JSON object (%1).</source>
        <translation>Die Datei ist keine Mandantensicherung: Sie ist kein JSON-Objekt (%1).</translation>
    </message>
    <message>
        <source>Demo data is generated into a local database, not on a server (%1).</source>
        <translation>Demodaten werden in eine lokale Datenbank erzeugt, nicht auf einem Server (%1).</translation>
    </message>
    <message>
        <source>The billing import was cancelled; nothing was imported.</source>
        <translation>Der Abrechnungsimport wurde abgebrochen; es wurde nichts importiert.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RestStore::Client</name>
    <message>
        <source>The connection to %1 was closed.</source>
        <translation>Die Verbindung zu %1 wurde geschlossen.</translation>
    </message>
    <message>
        <source>Enter your password to sign in to %1.</source>
        <translation>Geben Sie Ihr Passwort ein, um sich bei %1 anzumelden.</translation>
    </message>
    <message>
        <source>You are not signed in to %1; sign in again.</source>
        <translation>Sie sind nicht bei %1 angemeldet; melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The server at %1 did not answer within %2 seconds; try again later.</source>
        <translation>Der Server unter %1 hat nicht innerhalb von %2 Sekunden geantwortet; versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>The server name in %1 is not known; check the address.</source>
        <translation>Der Servername in %1 ist unbekannt; prüfen Sie die Adresse.</translation>
    </message>
    <message>
        <source>The server at %1 refused the connection: it may be down, or the port may be wrong.</source>
        <translation>Der Server unter %1 hat die Verbindung abgelehnt: Er ist vielleicht nicht in Betrieb, oder der Port ist falsch.</translation>
    </message>
    <message>
        <source>The server at %1 closed the connection before answering; try again.</source>
        <translation>Der Server unter %1 hat die Verbindung vor einer Antwort geschlossen; versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The connection to %1 was lost before the server answered, so the change may or may not have been made: reload to see, then try again.</source>
        <translation>Die Verbindung zu %1 ging verloren, bevor der Server antwortete; die Änderung wurde also vielleicht ausgeführt, vielleicht nicht: Laden Sie neu, um es zu sehen, und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>Could not set up a secure connection to %1.</source>
        <translation>Es konnte keine sichere Verbindung zu %1 aufgebaut werden.</translation>
    </message>
    <message>
        <source>Could not reach the server at %1; check the address and your network.</source>
        <translation>Der Server unter %1 ist nicht erreichbar; prüfen Sie die Adresse und Ihr Netzwerk.</translation>
    </message>
    <message>
        <source>Your session on %1 has ended; sign in again.</source>
        <translation>Ihre Sitzung auf %1 ist beendet; melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>%1: expected a non-empty string.</source>
        <translation>%1: eine nicht leere Zeichenkette erwartet.</translation>
    </message>
    <message>
        <source>token_type: expected Bearer.</source>
        <translation>token_type: Bearer erwartet.</translation>
    </message>
    <message>
        <source>expires_in: expected a positive number of seconds.</source>
        <translation>expires_in: eine positive Anzahl Sekunden erwartet.</translation>
    </message>
    <message>
        <source>user: expected an object.</source>
        <translation>user: ein Objekt erwartet.</translation>
    </message>
    <message>
        <source>You signed out of %1.</source>
        <translation>Sie haben sich von %1 abgemeldet.</translation>
    </message>
    <message>
        <source>The file “%1” cannot be read: %2</source>
        <translation>Die Datei „%1“ kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RoleListModel</name>
    <message>
        <source>Built in</source>
        <translation>Integriert</translation>
    </message>
    <message>
        <source>tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Geltungsbereich</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Eigentümer</translation>
    </message>
</context>
<context>
    <name>TenantDesk::RolesPage</name>
    <message>
        <source>Could not read the roles: %1</source>
        <translation>Die Rollen konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>&amp;New Role…</source>
        <translation>&amp;Neue Rolle…</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <source>&amp;Effective Permissions…</source>
        <translation>E&amp;ffektive Berechtigungen…</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>Scope:</source>
        <translation>Geltungsbereich:</translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation>Eigentümer:</translation>
    </message>
    <message>
        <source>Permissions (a half-ticked cell is held through an included role):</source>
        <translation>Berechtigungen (eine halb angehakte Zelle besteht über eine enthaltene Rolle):</translation>
    </message>
    <message>
        <source>&amp;Includes the roles:</source>
        <translation>&amp;Enthält die Rollen:</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Built-in roles</source>
        <translation>Integrierte Rollen</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message>
        <source>Roles of %1 (%2)</source>
        <translation>Rollen von %1 (%2)</translation>
    </message>
    <message>
        <source>Choose a role to see its permissions.</source>
        <translation>Wählen Sie eine Rolle, um ihre Berechtigungen zu sehen.</translation>
    </message>
    <message>
        <source>A built-in role cannot be changed; create a custom role that includes it instead.</source>
        <translation>Eine integrierte Rolle kann nicht geändert werden; legen Sie stattdessen eine eigene Rolle an, die sie enthält.</translation>
    </message>
    <message>
        <source>Read-only: this is a preview.</source>
        <translation>Schreibgeschützt: Dies ist eine Vorschau.</translation>
    </message>
    <message>
        <source>Changing roles here needs the permission role.manage on this tenant.</source>
        <translation>Das Ändern von Rollen erfordert hier die Berechtigung role.manage auf diesem Mandanten.</translation>
    </message>
    <message>
        <source>%1 (%2 scope): %3</source>
        <translation>%1 (Geltungsbereich %2): %3</translation>
    </message>
    <message>
        <source>this tenant</source>
        <translation>dieser Mandant</translation>
    </message>
    <message>
        <source>A role needs a name.</source>
        <translation>Eine Rolle braucht einen Namen.</translation>
    </message>
    <message>
        <source>Delete Role</source>
        <translation>Rolle löschen</translation>
    </message>
    <message>
        <source>Delete the role “%1”? Nobody may hold it and no other role may include it.</source>
        <translation>Die Rolle „%1“ löschen? Niemand darf sie innehaben, und keine andere Rolle darf sie enthalten.</translation>
    </message>
    <message>
        <source>Could not delete “%1”: %2</source>
        <translation>„%1“ konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Permissions of the role</source>
        <translation>Berechtigungen der Rolle</translation>
    </message>
    <message>
        <source>A half-ticked cell is held through an included role</source>
        <translation>Ein halb angehaktes Feld stammt aus einer enthaltenen Rolle</translation>
    </message>
    <message>
        <source>Roles the role includes</source>
        <translation>Von der Rolle enthaltene Rollen</translation>
    </message>
</context>
<context>
    <name>TenantDesk::ServerOptions</name>
    <message>
        <source>The TenantDesk REST API over a local or shared database.</source>
        <translation>Die REST-API von TenantDesk über einer lokalen oder gemeinsamen Datenbank.</translation>
    </message>
    <message>
        <source>The database: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation>Die Datenbank: sqlite:PFAD oder postgresql://BENUTZER@HOST:PORT/DATENBANK.</translation>
    </message>
    <message>
        <source>The address to listen on, HOST:PORT (port 0: any free port). Default 127.0.0.1:8080.</source>
        <translation>Die Adresse, auf der gelauscht wird, HOST:PORT (Port 0: ein beliebiger freier Port). Standard 127.0.0.1:8080.</translation>
    </message>
    <message>
        <source>PEM certificate file: serve HTTPS.</source>
        <translation>PEM-Zertifikatsdatei: HTTPS anbieten.</translation>
    </message>
    <message>
        <source>PEM private key file of the certificate.</source>
        <translation>PEM-Datei mit dem privaten Schlüssel des Zertifikats.</translation>
    </message>
    <message>
        <source>The file holding the token signing key; created on first start.</source>
        <translation>Die Datei mit dem Schlüssel zum Signieren der Tokens; wird beim ersten Start angelegt.</translation>
    </message>
    <message>
        <source>Append the access log to this file instead of standard error.</source>
        <translation>Das Zugriffsprotokoll an diese Datei anhängen statt an die Standardfehlerausgabe.</translation>
    </message>
    <message>
        <source>Create the first platform admin with this e-mail, print a one-time password, and exit.</source>
        <translation>Den ersten Plattformadministrator mit dieser E-Mail-Adresse anlegen, ein Einmalpasswort ausgeben und beenden.</translation>
    </message>
    <message>
        <source>Give the existing user with this e-mail a one-time password, print it, and exit.</source>
        <translation>Dem vorhandenen Benutzer mit dieser E-Mail-Adresse ein Einmalpasswort geben, es ausgeben und beenden.</translation>
    </message>
    <message>
        <source>Print every route of the API (method and path) and exit.</source>
        <translation>Jede Route der API (Methode und Pfad) ausgeben und beenden.</translation>
    </message>
    <message>
        <source>Request threads (each with its own database connection). Default 64.</source>
        <translation>Anfrage-Threads (jeder mit eigener Datenbankverbindung). Standard 64.</translation>
    </message>
    <message>
        <source>Requests per minute per tenant for tenants without their own limit. Default 0: none.</source>
        <translation>Anfragen pro Minute und Mandant für Mandanten ohne eigene Grenze. Standard 0: keine.</translation>
    </message>
    <message>
        <source>The largest tenant backup a restore accepts, in bytes. Default 67108864 (64 MiB).</source>
        <translation>Die größte Mandantensicherung, die eine Wiederherstellung annimmt, in Bytes. Standard 67108864 (64 MiB).</translation>
    </message>
    <message>
        <source>--database is required: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation>--database ist erforderlich: sqlite:PFAD oder postgresql://BENUTZER@HOST:PORT/DATENBANK.</translation>
    </message>
    <message>
        <source>--listen takes HOST:PORT, such as 127.0.0.1:8080, not “%1”.</source>
        <translation>--listen erwartet HOST:PORT, etwa 127.0.0.1:8080, nicht „%1“.</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together.</source>
        <translation>--tls-cert und --tls-key gehören zusammen.</translation>
    </message>
    <message>
        <source>--%1 takes a whole number from %2 to %3, not “%4”.</source>
        <translation>--%1 erwartet eine ganze Zahl von %2 bis %3, nicht „%4“.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Source</name>
    <message>
        <source>cannot start decompressing</source>
        <translation>das Entpacken kann nicht beginnen</translation>
    </message>
    <message>
        <source>the zip file ends early</source>
        <translation>die ZIP-Datei endet vorzeitig</translation>
    </message>
    <message>
        <source>the zip file&apos;s entry has no valid local header</source>
        <translation>der Eintrag der ZIP-Datei hat keinen gültigen lokalen Header</translation>
    </message>
    <message>
        <source>the compressed file ends early</source>
        <translation>die komprimierte Datei endet vorzeitig</translation>
    </message>
    <message>
        <source>the compressed data is damaged (%1)</source>
        <translation>die komprimierten Daten sind beschädigt (%1)</translation>
    </message>
    <message>
        <source>the zip file has no central directory</source>
        <translation>die ZIP-Datei hat kein zentrales Verzeichnis</translation>
    </message>
    <message>
        <source>the zip file&apos;s central directory is out of reach (ZIP64 archives larger than 4 GiB are not read)</source>
        <translation>das zentrale Verzeichnis der ZIP-Datei ist außer Reichweite (ZIP64-Archive über 4 GiB werden nicht gelesen)</translation>
    </message>
    <message>
        <source>the zip file&apos;s central directory is damaged</source>
        <translation>das zentrale Verzeichnis der ZIP-Datei ist beschädigt</translation>
    </message>
    <message>
        <source>the zip file holds no CSV file (it holds: %1)</source>
        <translation>die ZIP-Datei enthält keine CSV-Datei (sie enthält: %1)</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nichts</translation>
    </message>
    <message>
        <source>the zip file holds several CSV files (%1); put one export in each zip file</source>
        <translation>die ZIP-Datei enthält mehrere CSV-Dateien (%1); legen Sie je einen Export in eine ZIP-Datei</translation>
    </message>
    <message>
        <source>the zip file&apos;s CSV file is encrypted</source>
        <translation>die CSV-Datei in der ZIP-Datei ist verschlüsselt</translation>
    </message>
    <message>
        <source>the zip file&apos;s CSV file is compressed with method %1; only deflate and stored are read</source>
        <translation>die CSV-Datei in der ZIP-Datei ist mit Methode %1 komprimiert; gelesen werden nur deflate und stored</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDemoWriter</name>
    <message>
        <source>Could not write the demo data (%1)</source>
        <translation>Die Demodaten konnten nicht geschrieben werden (%1)</translation>
    </message>
    <message>
        <source>Could not write the demo data (statistics)</source>
        <translation>Die Demodaten konnten nicht geschrieben werden (Statistik)</translation>
    </message>
    <message>
        <source>Could not write the demo data (platform)</source>
        <translation>Die Demodaten konnten nicht geschrieben werden (Plattform)</translation>
    </message>
    <message>
        <source>Could not write the demo data (billing review)</source>
        <translation>Die Demodaten (Abrechnungsprüfung) konnten nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDemoWriter::Table</name>
    <message>
        <source>Could not write the demo data (%1)</source>
        <translation>Die Demodaten konnten nicht geschrieben werden (%1)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDetail</name>
    <message>
        <source>%1: the database “%2” is locked by another program. Close the other program or try again.</source>
        <translation>%1: Die Datenbank „%2“ ist von einem anderen Programm gesperrt. Schließen Sie das andere Programm oder versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>%1: the database “%2” is damaged. Restore it from a backup.</source>
        <translation>%1: Die Datenbank „%2“ ist beschädigt. Stellen Sie sie aus einer Sicherung wieder her.</translation>
    </message>
    <message>
        <source>%1: a required value was missing; please report this.</source>
        <translation>%1: Ein erforderlicher Wert fehlte; bitte melden Sie das.</translation>
    </message>
    <message>
        <source>%1: the change conflicts with existing data.</source>
        <translation>%1: Die Änderung steht im Widerspruch zu vorhandenen Daten.</translation>
    </message>
    <message>
        <source>%1: the database “%2” cannot be written. Check the file&apos;s permissions.</source>
        <translation>%1: In die Datenbank „%2“ kann nicht geschrieben werden. Prüfen Sie die Zugriffsrechte der Datei.</translation>
    </message>
    <message>
        <source>%1: the disk holding the database “%2” is full. Nothing was changed; free some space and try again.</source>
        <translation>%1: Der Datenträger der Datenbank „%2“ ist voll. Es wurde nichts geändert; schaffen Sie Platz und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>%1: the database “%2” cannot be read or written (disk or file system error).</source>
        <translation>%1: Die Datenbank „%2“ kann nicht gelesen oder geschrieben werden (Fehler des Datenträgers oder Dateisystems).</translation>
    </message>
    <message>
        <source>%1: the database “%2” reported an error.</source>
        <translation>%1: Die Datenbank „%2“ hat einen Fehler gemeldet.</translation>
    </message>
    <message>
        <source>%1: the database role may not do this in “%2” (it lacks a right, or the row lies outside the session&apos;s tenants).</source>
        <translation>%1: Die Datenbankrolle darf dies in „%2“ nicht tun (ihr fehlt ein Recht, oder die Zeile liegt außerhalb der Mandanten der Sitzung).</translation>
    </message>
    <message>
        <source>%1: “%2” was busy with a conflicting change. Try again.</source>
        <translation>%1: „%2“ war mit einer widersprechenden Änderung beschäftigt. Versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>%1: the PostgreSQL server refused the user name or password given for “%2”, or no password was given (in the URL, PGPASSWORD or ~/.pgpass). Check them.</source>
        <translation>%1: Der PostgreSQL-Server hat den Benutzernamen oder das Passwort für „%2“ abgelehnt, oder es wurde kein Passwort angegeben (in der URL, PGPASSWORD oder ~/.pgpass). Prüfen Sie die Angaben.</translation>
    </message>
    <message>
        <source>%1: the database of “%2” does not exist on its server. Create it first.</source>
        <translation>%1: Die Datenbank von „%2“ existiert auf ihrem Server nicht. Legen Sie sie zuerst an.</translation>
    </message>
    <message>
        <source>%1: the PostgreSQL server of “%2” cannot be reached or is not taking work now. Check that it runs and accepts connections, then try again.</source>
        <translation>%1: Der PostgreSQL-Server von „%2“ ist nicht erreichbar oder nimmt gerade keine Arbeit an. Prüfen Sie, ob er läuft und Verbindungen annimmt, und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>The page cursor “%1” is not valid; start again from the first page.</source>
        <translation>Der Seitencursor „%1“ ist ungültig; beginnen Sie erneut mit der ersten Seite.</translation>
    </message>
    <message>
        <source>A page holds 1 to %1 items; %2 were asked for.</source>
        <translation>Eine Seite umfasst 1 bis %1 Einträge; %2 wurden angefordert.</translation>
    </message>
    <message>
        <source>Could not read a tenant</source>
        <translation>Ein Mandant konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>There is no tenant with id %1; it may have been deleted.</source>
        <translation>Es gibt keinen Mandanten mit der ID %1; er wurde möglicherweise gelöscht.</translation>
    </message>
    <message>
        <source>Could not read tenants</source>
        <translation>Mandanten konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read the environments of a tenant</source>
        <translation>Die Umgebungen eines Mandanten konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>“%1” was changed by someone else (version %2; this edit was made on version %3). Review their change, then edit again.</source>
        <translation>„%1“ wurde von jemand anderem geändert (Version %2; diese Bearbeitung beruht auf Version %3). Prüfen Sie deren Änderung und bearbeiten Sie dann erneut.</translation>
    </message>
    <message>
        <source>Could not number a new row</source>
        <translation>Einer neuen Zeile konnte keine Nummer gegeben werden</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlSession</name>
    <message>
        <source>Could not start a transaction</source>
        <translation>Es konnte keine Transaktion begonnen werden</translation>
    </message>
    <message>
        <source>%1: one is already running on this connection.</source>
        <translation>%1: Auf dieser Verbindung läuft bereits eine.</translation>
    </message>
    <message>
        <source>Could not commit: no transaction is running on this connection.</source>
        <translation>Bestätigen nicht möglich: Auf dieser Verbindung läuft keine Transaktion.</translation>
    </message>
    <message>
        <source>Could not save the changes</source>
        <translation>Die Änderungen konnten nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Could not open “%1”</source>
        <translation>„%1“ konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <source>The database file “%1” does not exist.</source>
        <translation>Die Datenbankdatei „%1“ existiert nicht.</translation>
    </message>
    <message>
        <source>Could not create the folder “%1” for the database.</source>
        <translation>Der Ordner „%1“ für die Datenbank konnte nicht angelegt werden.</translation>
    </message>
    <message>
        <source>“%1” is a folder, not a database file.</source>
        <translation>„%1“ ist ein Ordner, keine Datenbankdatei.</translation>
    </message>
    <message>
        <source>The database file “%1” cannot be read.</source>
        <translation>Die Datenbankdatei „%1“ kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>“%1” is an empty file, not a TenantDesk database.</source>
        <translation>„%1“ ist eine leere Datei, keine TenantDesk-Datenbank.</translation>
    </message>
    <message>
        <source>“%1” is not a TenantDesk database: it is not an SQLite database file.</source>
        <translation>„%1“ ist keine TenantDesk-Datenbank: Es ist keine SQLite-Datenbankdatei.</translation>
    </message>
    <message>
        <source>“%1” is an empty SQLite database, not a TenantDesk database.</source>
        <translation>„%1“ ist eine leere SQLite-Datenbank, keine TenantDesk-Datenbank.</translation>
    </message>
    <message>
        <source>“%1” is an SQLite database of another application, not a TenantDesk database.</source>
        <translation>„%1“ ist eine SQLite-Datenbank einer anderen Anwendung, keine TenantDesk-Datenbank.</translation>
    </message>
    <message>
        <source>“%1” was written by a newer TenantDesk (schema version %2; this TenantDesk reads up to version %3). Update TenantDesk to open it.</source>
        <translation>„%1“ wurde von einem neueren TenantDesk geschrieben (Schemaversion %2; dieses TenantDesk liest bis Version %3). Aktualisieren Sie TenantDesk, um sie zu öffnen.</translation>
    </message>
    <message>
        <source>Could not bring “%1” up to date</source>
        <translation>„%1“ konnte nicht aktualisiert werden</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>Could not read the platform</source>
        <translation>Die Plattform konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read the platform summary</source>
        <translation>Die Übersicht der Plattform konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read the tenants</source>
        <translation>Die Mandanten konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not check the database</source>
        <translation>Die Datenbank konnte nicht geprüft werden</translation>
    </message>
    <message>
        <source>There is no tenant with the slug “%1”.</source>
        <translation>Es gibt keinen Mandanten mit dem Kürzel „%1“.</translation>
    </message>
    <message>
        <source>Could not count the members of a tenant</source>
        <translation>Die Mitglieder eines Mandanten konnten nicht gezählt werden</translation>
    </message>
    <message>
        <source>Could not search the tenants</source>
        <translation>Die Mandanten konnten nicht durchsucht werden</translation>
    </message>
    <message>
        <source>Could not read an environment</source>
        <translation>Eine Umgebung konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>There is no environment with id %1; it may have been deleted.</source>
        <translation>Es gibt keine Umgebung mit der ID %1; sie wurde möglicherweise gelöscht.</translation>
    </message>
    <message>
        <source>Could not count the members of an environment</source>
        <translation>Die Mitglieder einer Umgebung konnten nicht gezählt werden</translation>
    </message>
    <message>
        <source>Could not read the users</source>
        <translation>Die Benutzer konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read the memberships</source>
        <translation>Die Mitgliedschaften konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>The page cursor “%1” is not valid; start again from the first page.</source>
        <translation>Der Seitencursor „%1“ ist ungültig; beginnen Sie erneut mit der ersten Seite.</translation>
    </message>
    <message>
        <source>Could not read the roles</source>
        <translation>Die Rollen konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read the permissions of the roles</source>
        <translation>Die Berechtigungen der Rollen konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read the composite roles</source>
        <translation>Die zusammengesetzten Rollen konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>from/to: a time range needs a start before its end.</source>
        <translation>from/to: Ein Zeitraum braucht einen Beginn vor seinem Ende.</translation>
    </message>
    <message>
        <source>Could not read the audit trail</source>
        <translation>Das Prüfprotokoll konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>from/to: a usage range needs a start before its end.</source>
        <translation>from/to: Ein Nutzungszeitraum braucht einen Beginn vor seinem Ende.</translation>
    </message>
    <message>
        <source>from/to: a usage range covers at most 400 days.</source>
        <translation>from/to: Ein Nutzungszeitraum umfasst höchstens 400 Tage.</translation>
    </message>
    <message>
        <source>Could not read the usage</source>
        <translation>Die Nutzung konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>from/to: a billing range needs a start before its end.</source>
        <translation>from/to: Ein Abrechnungszeitraum braucht einen Beginn vor seinem Ende.</translation>
    </message>
    <message>
        <source>Could not read the billing lines</source>
        <translation>Die Abrechnungszeilen konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>A billing line holds a cost that is not a decimal number: “%1”.</source>
        <translation>Eine Abrechnungszeile enthält Kosten, die keine Dezimalzahl sind: „%1“.</translation>
    </message>
    <message>
        <source>Could not write the audit event</source>
        <translation>Das Prüfereignis konnte nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Could not read a user</source>
        <translation>Ein Benutzer konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>There is no user with id %1; they may have been deleted.</source>
        <translation>Es gibt keinen Benutzer mit der ID %1; er wurde möglicherweise gelöscht.</translation>
    </message>
    <message>
        <source>Could not read the account</source>
        <translation>Das Konto konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not store the password</source>
        <translation>Das Passwort konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Could not record the sign-in</source>
        <translation>Die Anmeldung konnte nicht festgehalten werden</translation>
    </message>
    <message>
        <source>Could not create the user</source>
        <translation>Der Benutzer konnte nicht angelegt werden</translation>
    </message>
    <message>
        <source>The new user “%1” could not be read back.</source>
        <translation>Der neue Benutzer „%1“ konnte nicht zurückgelesen werden.</translation>
    </message>
    <message>
        <source>Could not grant the platform role</source>
        <translation>Die Plattformrolle konnte nicht zugewiesen werden</translation>
    </message>
    <message>
        <source>There is no built-in role “%1”.</source>
        <translation>Es gibt keine integrierte Rolle „%1“.</translation>
    </message>
    <message>
        <source>Could not read the user&apos;s platform roles</source>
        <translation>Die Plattformrollen des Benutzers konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read the user&apos;s memberships</source>
        <translation>Die Mitgliedschaften des Benutzers konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not store the session</source>
        <translation>Die Sitzung konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Could not read the session</source>
        <translation>Die Sitzung konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not end the session</source>
        <translation>Die Sitzung konnte nicht beendet werden</translation>
    </message>
    <message>
        <source>Could not add the built-in roles</source>
        <translation>Die integrierten Rollen konnten nicht hinzugefügt werden</translation>
    </message>
    <message>
        <source>Could not change the tenant</source>
        <translation>Der Mandant konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>“%1” was changed by someone else; review their change, then edit again.</source>
        <translation>„%1“ wurde von jemand anderem geändert; prüfen Sie deren Änderung und bearbeiten Sie dann erneut.</translation>
    </message>
    <message>
        <source>Could not add a sub-tenant</source>
        <translation>Ein Untermandant konnte nicht hinzugefügt werden</translation>
    </message>
    <message>
        <source>Could not create the tenant</source>
        <translation>Der Mandant konnte nicht angelegt werden</translation>
    </message>
    <message>
        <source>parent_id: “%1” cannot move under itself or one of its own sub-tenants.</source>
        <translation>parent_id: „%1“ kann nicht unter sich selbst oder einen seiner eigenen Untermandanten verschoben werden.</translation>
    </message>
    <message>
        <source>Could not move the tenant</source>
        <translation>Der Mandant konnte nicht verschoben werden</translation>
    </message>
    <message>
        <source>status: “%1” is %2 and cannot become %3; from %2 it can become: %4.</source>
        <translation>status: „%1“ ist %2 und kann nicht %3 werden; von %2 aus kann er werden: %4.</translation>
    </message>
    <message>
        <source>nothing (this is the end of its life)</source>
        <translation>nichts (dies ist das Ende seines Lebenszyklus)</translation>
    </message>
    <message>
        <source>Could not change the tenant&apos;s status</source>
        <translation>Der Status des Mandanten konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>status: “%1” has %2 sub-tenant(s) that are not archived; decommission them first.</source>
        <translation>status: „%1“ hat %2 Untermandant(en), die nicht archiviert sind; nehmen Sie diese zuerst außer Betrieb.</translation>
    </message>
    <message>
        <source>status: “%1” is archived only once its decommissioning checklist is done; still to do: %2.</source>
        <translation>status: „%1“ wird erst archiviert, wenn seine Checkliste zur Außerbetriebnahme erledigt ist; noch offen: %2.</translation>
    </message>
    <message>
        <source>status: “%1” is %2; its checklist is worked through once it is decommissioning.</source>
        <translation>status: „%1“ ist %2; seine Checkliste wird abgearbeitet, sobald er außer Betrieb genommen wird.</translation>
    </message>
    <message>
        <source>Could not record the decommissioning step</source>
        <translation>Der Schritt der Außerbetriebnahme konnte nicht festgehalten werden</translation>
    </message>
    <message>
        <source>confirm_slug: type the tenant&apos;s slug, “%1”, to delete its data.</source>
        <translation>confirm_slug: Geben Sie das Kürzel des Mandanten, „%1“, ein, um seine Daten zu löschen.</translation>
    </message>
    <message>
        <source>step: back “%1” up before its data is deleted.</source>
        <translation>step: Sichern Sie „%1“, bevor seine Daten gelöscht werden.</translation>
    </message>
    <message>
        <source>Could not back the tenant up</source>
        <translation>Der Mandant konnte nicht gesichert werden</translation>
    </message>
    <message>
        <source>Could not restore the tenant</source>
        <translation>Der Mandant konnte nicht wiederhergestellt werden</translation>
    </message>
    <message>
        <source>slug: a tenant “%1” exists here and is not archived; a backup is restored over an archived tenant or where the slug is free.</source>
        <translation>slug: Ein Mandant „%1“ existiert hier und ist nicht archiviert; eine Sicherung wird über einen archivierten Mandanten oder bei freiem Kürzel wiederhergestellt.</translation>
    </message>
    <message>
        <source>“%1” still holds environments; its data was not deleted, so there is nothing to restore.</source>
        <translation>„%1“ enthält noch Umgebungen; seine Daten wurden nicht gelöscht, es gibt also nichts wiederherzustellen.</translation>
    </message>
    <message>
        <source>role “%1” includes “%2”, which is not here</source>
        <translation>Rolle „%1“ enthält „%2“, die es hier nicht gibt</translation>
    </message>
    <message>
        <source>%1 as %2: the role or environment is not here</source>
        <translation>%1 als %2: Die Rolle oder Umgebung gibt es hier nicht</translation>
    </message>
    <message>
        <source>Could not restore the tenant&apos;s usage</source>
        <translation>Die Nutzung des Mandanten konnte nicht wiederhergestellt werden</translation>
    </message>
    <message>
        <source>confirm_slug: type the tenant&apos;s slug, “%1”, to delete it.</source>
        <translation>confirm_slug: Geben Sie das Kürzel des Mandanten, „%1“, ein, um ihn zu löschen.</translation>
    </message>
    <message>
        <source>status: “%1” is %2; only a tenant never provisioned (requested) or an archived one is deleted. Decommission it instead.</source>
        <translation>status: „%1“ ist %2; gelöscht wird nur ein nie bereitgestellter (beantragter) oder ein archivierter Mandant. Nehmen Sie ihn stattdessen außer Betrieb.</translation>
    </message>
    <message>
        <source>status: “%1” has sub-tenants; delete or move them first.</source>
        <translation>status: „%1“ hat Untermandanten; löschen oder verschieben Sie diese zuerst.</translation>
    </message>
    <message>
        <source>Could not delete the tenant</source>
        <translation>Der Mandant konnte nicht gelöscht werden</translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation>Die Umgebung konnte nicht hinzugefügt werden</translation>
    </message>
    <message>
        <source>Could not change the environment</source>
        <translation>Die Umgebung konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>Could not remove the environment</source>
        <translation>Die Umgebung konnte nicht entfernt werden</translation>
    </message>
    <message>
        <source>keys: choose at least one setting to promote.</source>
        <translation>keys: Wählen Sie mindestens eine zu übertragende Einstellung.</translation>
    </message>
    <message>
        <source>target_id: an environment is promoted to another one, not to itself.</source>
        <translation>target_id: Eine Umgebung wird auf eine andere übertragen, nicht auf sich selbst.</translation>
    </message>
    <message>
        <source>source_id: settings are promoted between environments of one tenant.</source>
        <translation>source_id: Einstellungen werden zwischen Umgebungen eines Mandanten übertragen.</translation>
    </message>
    <message>
        <source>Could not promote the settings</source>
        <translation>Die Einstellungen konnten nicht übertragen werden</translation>
    </message>
    <message>
        <source>keys: neither “%1” nor “%2” has a setting “%3”.</source>
        <translation>keys: Weder „%1“ noch „%2“ hat eine Einstellung „%3“.</translation>
    </message>
    <message>
        <source>“%1” already belongs to the user “%2”.</source>
        <translation>„%1“ gehört bereits dem Benutzer „%2“.</translation>
    </message>
    <message>
        <source>The change names no field to change.</source>
        <translation>Die Änderung nennt kein zu änderndes Feld.</translation>
    </message>
    <message>
        <source>a user who is %1 cannot become %2.</source>
        <translation>Ein Benutzer mit Status %1 kann nicht %2 werden.</translation>
    </message>
    <message>
        <source>Could not change the user</source>
        <translation>Der Benutzer konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>%1 already holds “%2” there.</source>
        <translation>%1 hat „%2“ dort bereits.</translation>
    </message>
    <message>
        <source>Could not grant the role</source>
        <translation>Die Rolle konnte nicht zugewiesen werden</translation>
    </message>
    <message>
        <source>Could not read a tenant</source>
        <translation>Ein Mandant konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>%1 does not hold that role there (any more).</source>
        <translation>%1 hat diese Rolle dort nicht (mehr).</translation>
    </message>
    <message>
        <source>Could not take the role away</source>
        <translation>Die Rolle konnte nicht entzogen werden</translation>
    </message>
    <message>
        <source>a role of no tenant is a platform role; tenant and environment roles belong to a tenant.</source>
        <translation>Eine Rolle ohne Mandant ist eine Plattformrolle; Mandanten- und Umgebungsrollen gehören zu einem Mandanten.</translation>
    </message>
    <message>
        <source>a tenant&apos;s role has tenant or environment scope; platform roles belong to the platform.</source>
        <translation>Die Rolle eines Mandanten hat den Geltungsbereich Mandant oder Umgebung; Plattformrollen gehören zur Plattform.</translation>
    </message>
    <message>
        <source>“%1” is being retired; its roles no longer change.</source>
        <translation>„%1“ wird stillgelegt; seine Rollen ändern sich nicht mehr.</translation>
    </message>
    <message>
        <source>Could not create the role</source>
        <translation>Die Rolle konnte nicht angelegt werden</translation>
    </message>
    <message>
        <source>“%1” is a built-in role; built-in roles do not change. Create a custom role that includes it instead.</source>
        <translation>„%1“ ist eine integrierte Rolle; integrierte Rollen ändern sich nicht. Legen Sie stattdessen eine eigene Rolle an, die sie enthält.</translation>
    </message>
    <message>
        <source>Could not change the role</source>
        <translation>Die Rolle konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>“%1” is a built-in role; built-in roles cannot be deleted.</source>
        <translation>„%1“ ist eine integrierte Rolle; integrierte Rollen können nicht gelöscht werden.</translation>
    </message>
    <message>
        <source>Could not delete the role</source>
        <translation>Die Rolle konnte nicht gelöscht werden</translation>
    </message>
    <message>
        <source>“%1” is included in %2; remove it from there first.</source>
        <translation>„%1“ ist in %2 enthalten; entfernen Sie sie zuerst dort.</translation>
    </message>
    <message>
        <source>Choose at least one user.</source>
        <translation>Wählen Sie mindestens einen Benutzer.</translation>
    </message>
    <message>
        <source>one status per user is needed (%1 users, %2 statuses).</source>
        <translation>Je Benutzer ist ein Status nötig (%1 Benutzer, %2 Status).</translation>
    </message>
    <message>
        <source>“%1” is being retired; it takes no new members.</source>
        <translation>„%1“ wird stillgelegt; es nimmt keine neuen Mitglieder auf.</translation>
    </message>
    <message>
        <source>“%1” has no environment with id %2.</source>
        <translation>„%1“ hat keine Umgebung mit der ID %2.</translation>
    </message>
    <message>
        <source>the users are there already; choose another tenant or environment.</source>
        <translation>Die Benutzer sind bereits dort; wählen Sie einen anderen Mandanten oder eine andere Umgebung.</translation>
    </message>
    <message>
        <source>Could not change the users</source>
        <translation>Die Benutzer konnten nicht geändert werden</translation>
    </message>
    <message>
        <source>%1 is %2 and cannot become %3; nothing was changed.</source>
        <translation>%1 ist %2 und kann nicht %3 werden; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>%1 holds “%2”, a role of “%3” that “%4” cannot use; nothing was moved.</source>
        <translation>%1 hat „%2“, eine Rolle von „%3“, die „%4“ nicht verwenden kann; es wurde nichts verschoben.</translation>
    </message>
    <message>
        <source>%1 holds the environment role “%2”, which needs an environment to move to; nothing was moved.</source>
        <translation>%1 hat die Umgebungsrolle „%2“, die eine Umgebung als Ziel braucht; es wurde nichts verschoben.</translation>
    </message>
    <message>
        <source>“%1” cannot be a tenant&apos;s slug: %2</source>
        <translation>„%1“ kann kein Mandantenkürzel sein: %2</translation>
    </message>
    <message>
        <source>Could not check the slug</source>
        <translation>Das Kürzel konnte nicht geprüft werden</translation>
    </message>
    <message>
        <source>the tenant “%1” exists already (“%2”); import into it, or choose another slug.</source>
        <translation>Der Mandant „%1“ existiert bereits („%2“); importieren Sie in ihn oder wählen Sie ein anderes Kürzel.</translation>
    </message>
    <message>
        <source>there is no tenant “%1”.</source>
        <translation>Es gibt keinen Mandanten „%1“.</translation>
    </message>
    <message>
        <source>the role “%1” appears twice.</source>
        <translation>Die Rolle „%1“ kommt zweimal vor.</translation>
    </message>
    <message>
        <source>“%1” is no permission TenantDesk knows.</source>
        <translation>„%1“ ist keine TenantDesk bekannte Berechtigung.</translation>
    </message>
    <message>
        <source>“%1” includes “%2”, which is neither in the import nor a role here.</source>
        <translation>„%1“ enthält „%2“, die weder im Import noch hier eine Rolle ist.</translation>
    </message>
    <message>
        <source>the roles include each other in a cycle: %1.</source>
        <translation>Die Rollen enthalten einander in einem Zyklus: %1.</translation>
    </message>
    <message>
        <source>%1 appears again (first on line %2).</source>
        <translation>%1 kommt erneut vor (zuerst in Zeile %2).</translation>
    </message>
    <message>
        <source>the new tenant “%1” has no environment “%2” yet.</source>
        <translation>Der neue Mandant „%1“ hat noch keine Umgebung „%2“.</translation>
    </message>
    <message>
        <source>the row names a role but no tenant.</source>
        <translation>Die Zeile nennt eine Rolle, aber keinen Mandanten.</translation>
    </message>
    <message>
        <source>“%1” has no environment “%2”.</source>
        <translation>„%1“ hat keine Umgebung „%2“.</translation>
    </message>
    <message>
        <source>there is no role “%1” in “%2”.</source>
        <translation>In „%2“ gibt es keine Rolle „%1“.</translation>
    </message>
    <message>
        <source>Could not import</source>
        <translation>Import nicht möglich</translation>
    </message>
    <message>
        <source>The attribution rules were changed by someone else since you read them (now version %1). Read them again, then make your change.</source>
        <translation>Die Zuordnungsregeln wurden von jemand anderem geändert, seit Sie sie gelesen haben (jetzt Version %1). Lesen Sie sie erneut und nehmen Sie dann Ihre Änderung vor.</translation>
    </message>
    <message>
        <source>Could not save the attribution rules</source>
        <translation>Die Zuordnungsregeln konnten nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Applying the attribution rules was cancelled; nothing was changed.</source>
        <translation>Das Anwenden der Zuordnungsregeln wurde abgebrochen; es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Could not attribute the billing lines</source>
        <translation>Die Abrechnungszeilen konnten nicht zugeordnet werden</translation>
    </message>
    <message>
        <source>Could not read the billing roll-ups</source>
        <translation>Die Abrechnungssummen konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>A billing roll-up holds a cost that is not a decimal number: “%1”.</source>
        <translation>Eine Abrechnungssumme enthält Kosten, die keine Dezimalzahl sind: „%1“.</translation>
    </message>
    <message>
        <source>expected a month such as 2024-09.</source>
        <translation>erwartet wird ein Monat wie 2024-09.</translation>
    </message>
    <message>
        <source>Could not read the budgets</source>
        <translation>Die Budgets konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>expected an ISO 4217 currency code such as USD or EUR.</source>
        <translation>erwartet wird ein Währungscode nach ISO 4217 wie USD oder EUR.</translation>
    </message>
    <message>
        <source>expected a plain decimal number of at least 0, such as 1200.00 (or nothing to remove the budget).</source>
        <translation>erwartet wird eine einfache Dezimalzahl ab 0 wie 1200.00 (oder nichts, um das Budget zu entfernen).</translation>
    </message>
    <message>
        <source>Could not read the budget</source>
        <translation>Das Budget konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not save the budget</source>
        <translation>Das Budget konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <source>The billing import was cancelled; nothing was imported.</source>
        <translation>Der Abrechnungsimport wurde abgebrochen; es wurde nichts importiert.</translation>
    </message>
    <message>
        <source>Could not read the attribution rules</source>
        <translation>Die Zuordnungsregeln konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>The stored attribution rules cannot be read: %1</source>
        <translation>Die gespeicherten Zuordnungsregeln können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The tag “%1” now names tenants in the attribution rules.</source>
        <translation>Das Tag „%1“ benennt jetzt Mandanten in den Zuordnungsregeln.</translation>
    </message>
    <message>
        <source>The file cannot be read.</source>
        <translation>Die Datei kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Could not record the billing import</source>
        <translation>Der Abrechnungsimport konnte nicht erfasst werden</translation>
    </message>
    <message>
        <source>Could not replace the earlier import</source>
        <translation>Der frühere Import konnte nicht ersetzt werden</translation>
    </message>
    <message>
        <source>Replaced import %1 of the same file (%2, %3).</source>
        <translation>Import %1 derselben Datei ersetzt (%2, %3).</translation>
    </message>
    <message>
        <source>Could not write the billing roll-ups</source>
        <translation>Die Abrechnungssummen konnten nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Billed cost per currency: %1.</source>
        <translation>Abgerechnete Kosten je Währung: %1.</translation>
    </message>
    <message>
        <source>Could not read the billing imports</source>
        <translation>Die Abrechnungsimporte konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>Could not read the billing import</source>
        <translation>Der Abrechnungsimport konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>There is no billing import %1; it may have been deleted.</source>
        <translation>Es gibt keinen Abrechnungsimport %1; vielleicht wurde er gelöscht.</translation>
    </message>
    <message>
        <source>Could not delete the billing import</source>
        <translation>Der Abrechnungsimport konnte nicht gelöscht werden</translation>
    </message>
    <message>
        <source>parent_id: -1 (every tenant), 0 (top-level tenants) or a tenant&apos;s id.</source>
        <translation>parent_id: -1 (alle Mandanten), 0 (Mandanten der obersten Ebene) oder die ID eines Mandanten.</translation>
    </message>
    <message>
        <source>Could not sum the usage</source>
        <translation>Die Nutzung konnte nicht summiert werden</translation>
    </message>
    <message>
        <source>the tag key whose values are listed is required.</source>
        <translation>der Tag-Schlüssel, dessen Werte aufgelistet werden, ist erforderlich.</translation>
    </message>
    <message>
        <source>Could not read the values of the tag</source>
        <translation>Die Werte des Tags konnten nicht gelesen werden</translation>
    </message>
    <message>
        <source>The tag keys of the billing lines are read by a platform administrator only.</source>
        <translation>Die Tag-Schlüssel der Abrechnungszeilen liest nur ein Plattformadministrator.</translation>
    </message>
    <message>
        <source>Could not read the tag keys</source>
        <translation>Die Tag-Schlüssel konnten nicht gelesen werden</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlStore</name>
    <message>
        <source>The database “%1” was closed.</source>
        <translation>Die Datenbank „%1“ wurde geschlossen.</translation>
    </message>
    <message>
        <source>The database “%1” is not open.</source>
        <translation>Die Datenbank „%1“ ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>“%1” already holds tenants; demo data goes into an empty database.</source>
        <translation>„%1“ enthält bereits Mandanten; Demodaten kommen in eine leere Datenbank.</translation>
    </message>
    <message>
        <source>“%1” already holds a platform with its roles; demo data goes into an empty database.</source>
        <translation>„%1“ enthält bereits eine Plattform mit ihren Rollen; Demodaten kommen in eine leere Datenbank.</translation>
    </message>
    <message>
        <source>The database “%1” was closed while the demo was generated; nothing was kept.</source>
        <translation>Die Datenbank „%1“ wurde geschlossen, während die Demo erzeugt wurde; es wurde nichts behalten.</translation>
    </message>
    <message>
        <source>The SQLite driver gave no database handle.</source>
        <translation>Der SQLite-Treiber hat kein Datenbank-Handle geliefert.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqliteLineWriter</name>
    <message>
        <source>The SQLite driver gave no database handle.</source>
        <translation>Der SQLite-Treiber hat kein Datenbank-Handle geliefert.</translation>
    </message>
    <message>
        <source>Could not write the billing lines</source>
        <translation>Die Abrechnungszeilen konnten nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantAdministration</name>
    <message>
        <source>&amp;New Tenant…</source>
        <translation>&amp;Neuer Mandant…</translation>
    </message>
    <message>
        <source>Create a tenant under the selected one (or at the top level when the platform is selected)</source>
        <translation>Einen Mandanten unter dem gewählten anlegen (oder auf oberster Ebene, wenn die Plattform gewählt ist)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Provision</source>
        <translation>&amp;Bereitstellen</translation>
    </message>
    <message>
        <source>&amp;Activate</source>
        <translation>&amp;Aktivieren</translation>
    </message>
    <message>
        <source>S&amp;uspend…</source>
        <translation>&amp;Sperren…</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Entsperren</translation>
    </message>
    <message>
        <source>&amp;Decommission…</source>
        <translation>Außer Betrieb &amp;nehmen…</translation>
    </message>
    <message>
        <source>De&amp;lete…</source>
        <translation>Lö&amp;schen…</translation>
    </message>
    <message>
        <source>Restore from &amp;Backup…</source>
        <translation>Aus Sicherung &amp;wiederherstellen…</translation>
    </message>
    <message>
        <source>Add &amp;Environment…</source>
        <translation>&amp;Umgebung hinzufügen…</translation>
    </message>
    <message>
        <source>Re&amp;name Environment…</source>
        <translation>Umgebung u&amp;mbenennen…</translation>
    </message>
    <message>
        <source>Environment Se&amp;ttings…</source>
        <translation>Umgebungseins&amp;tellungen…</translation>
    </message>
    <message>
        <source>Remo&amp;ve Environment…</source>
        <translation>Umgebung ent&amp;fernen…</translation>
    </message>
    <message>
        <source>&amp;Promote Settings…</source>
        <translation>Einstellungen übe&amp;rtragen…</translation>
    </message>
    <message>
        <source>&amp;Lifecycle</source>
        <translation>&amp;Lebenszyklus</translation>
    </message>
    <message>
        <source>Could not read the tenant</source>
        <translation>Der Mandant konnte nicht gelesen werden</translation>
    </message>
    <message>
        <source>Suspend %1</source>
        <translation>%1 sperren</translation>
    </message>
    <message>
        <source>Suspend “%1”? Its admins and users can no longer sign in until it is resumed.</source>
        <translation>„%1“ sperren? Seine Administratoren und Benutzer können sich nicht mehr anmelden, bis er entsperrt wird.</translation>
    </message>
    <message>
        <source>Could not change the status of %1</source>
        <translation>Der Status von %1 konnte nicht geändert werden</translation>
    </message>
    <message>
        <source>Decommission %1</source>
        <translation>%1 außer Betrieb nehmen</translation>
    </message>
    <message>
        <source>Start decommissioning “%1”? It cannot be resumed afterwards; it can only be archived, and later restored from its backup.</source>
        <translation>Die Außerbetriebnahme von „%1“ beginnen? Er kann danach nicht entsperrt werden; er kann nur archiviert und später aus seiner Sicherung wiederhergestellt werden.</translation>
    </message>
    <message>
        <source>Could not decommission %1</source>
        <translation>%1 konnte nicht außer Betrieb genommen werden</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>%1 löschen</translation>
    </message>
    <message>
        <source>“%1” and everything it holds will be deleted for good.
Type its slug, %2, to confirm:</source>
        <translation>„%1“ und alles, was er enthält, wird endgültig gelöscht.
Geben Sie zur Bestätigung sein Kürzel, %2, ein:</translation>
    </message>
    <message>
        <source>Could not delete %1</source>
        <translation>%1 konnte nicht gelöscht werden</translation>
    </message>
    <message>
        <source>Restore a Tenant from Its Backup</source>
        <translation>Einen Mandanten aus seiner Sicherung wiederherstellen</translation>
    </message>
    <message>
        <source>Tenant backups (*.json);;All files (*)</source>
        <translation>Mandantensicherungen (*.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Could not restore the tenant</source>
        <translation>Der Mandant konnte nicht wiederhergestellt werden</translation>
    </message>
    <message>
        <source>Could not read “%1”: %2.</source>
        <translation>„%1“ konnte nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>Could not restore the tenant from “%1”</source>
        <translation>Der Mandant konnte nicht aus „%1“ wiederhergestellt werden</translation>
    </message>
    <message>
        <source>Add Environment to %1</source>
        <translation>Umgebung zu %1 hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>&amp;Art:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation>Die Umgebung konnte nicht hinzugefügt werden</translation>
    </message>
    <message>
        <source>Rename Environment</source>
        <translation>Umgebung umbenennen</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Neuer Name:</translation>
    </message>
    <message>
        <source>Rename environment %1</source>
        <translation>Umgebung %1 umbenennen</translation>
    </message>
    <message>
        <source>Could not rename the environment</source>
        <translation>Die Umgebung konnte nicht umbenannt werden</translation>
    </message>
    <message>
        <source>Change settings of %1</source>
        <translation>Einstellungen von %1 ändern</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
    <message>
        <source>Remove the environment “%1” of “%2”, with its memberships and usage? Undo adds it back with its settings, not its memberships.</source>
        <translation>Die Umgebung „%1“ von „%2“ mit ihren Mitgliedschaften und ihrer Nutzung entfernen? Rückgängig fügt sie mit ihren Einstellungen wieder hinzu, nicht mit ihren Mitgliedschaften.</translation>
    </message>
    <message>
        <source>Could not remove the environment</source>
        <translation>Die Umgebung konnte nicht entfernt werden</translation>
    </message>
    <message>
        <source>Nothing to promote</source>
        <translation>Nichts zu übertragen</translation>
    </message>
    <message>
        <source>“%1” has fewer than two environments.</source>
        <translation>„%1“ hat weniger als zwei Umgebungen.</translation>
    </message>
    <message>
        <source>Promote settings to %1</source>
        <translation>Einstellungen nach %1 übertragen</translation>
    </message>
    <message>
        <source>Move %1</source>
        <translation>%1 verschieben</translation>
    </message>
    <message>
        <source>Move “%1”, with its sub-tenants, under %2?</source>
        <translation>„%1“ mit seinen Untermandanten unter %2 verschieben?</translation>
    </message>
    <message>
        <source>Could not move %1</source>
        <translation>%1 konnte nicht verschoben werden</translation>
    </message>
    <message>
        <source>the platform (as a top-level tenant)</source>
        <translation>die Plattform (als Mandant der obersten Ebene)</translation>
    </message>
    <message>
        <source>Could not move the tenant</source>
        <translation>Der Mandant konnte nicht verschoben werden</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantBackup</name>
    <message>
        <source>The file is not a tenant backup: it is not JSON (%1 at byte %2).</source>
        <translation>Die Datei ist keine Mandantensicherung: Sie ist kein JSON (%1 bei Byte %2).</translation>
    </message>
    <message>
        <source>a version number</source>
        <translation>eine Versionsnummer</translation>
    </message>
    <message>
        <source>The backup was written by a newer TenantDesk (format %1; this one reads up to %2). Restore it with that version.</source>
        <translation>Die Sicherung wurde von einem neueren TenantDesk geschrieben (Format %1; dieses liest bis %2). Stellen Sie sie mit jener Version wieder her.</translation>
    </message>
    <message>
        <source>an object</source>
        <translation>ein Objekt</translation>
    </message>
    <message>
        <source>invited, active or disabled</source>
        <translation>invited, active oder disabled</translation>
    </message>
    <message>
        <source>[environment, metric, time, value]</source>
        <translation>[Umgebung, Metrik, Zeit, Wert]</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantCreateDialog</name>
    <message>
        <source>New Tenant</source>
        <translation>Neuer Mandant</translation>
    </message>
    <message>
        <source>New Sub-tenant of %1</source>
        <translation>Neuer Untermandant von %1</translation>
    </message>
    <message>
        <source>Acme Cloud GmbH</source>
        <translation>Acme Cloud GmbH</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>acme-cloud</source>
        <translation>acme-cloud</translation>
    </message>
    <message>
        <source>The tenant&apos;s identifier on the platform: lower-case letters, digits and hyphens, dot-separated. It cannot be changed later.</source>
        <translation>Die Kennung des Mandanten auf der Plattform: Kleinbuchstaben, Ziffern und Bindestriche, durch Punkte getrennt. Sie kann später nicht geändert werden.</translation>
    </message>
    <message>
        <source>&amp;Slug:</source>
        <translation>&amp;Kürzel:</translation>
    </message>
    <message>
        <source>(the platform: a top-level tenant)</source>
        <translation>(die Plattform: ein Mandant der obersten Ebene)</translation>
    </message>
    <message>
        <source>&amp;Parent:</source>
        <translation>Ü&amp;bergeordnet:</translation>
    </message>
    <message>
        <source>acme.example.com</source>
        <translation>acme.example.com</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Domain:</translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation>&amp;Zeitzone:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>&amp;Environments:</source>
        <translation>&amp;Umgebungen:</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantEditDialog</name>
    <message>
        <source>Edit %1</source>
        <translation>%1 bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>example.com</source>
        <translation>example.com</translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation>&amp;Domain:</translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation>&amp;Zeitzone:</translation>
    </message>
    <message>
        <source>en, de, pt-BR</source>
        <translation>de, en, pt-BR</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantPage</name>
    <message>
        <source>Identity</source>
        <translation>Identität</translation>
    </message>
    <message>
        <source>Slug:</source>
        <translation>Kürzel:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Domain:</source>
        <translation>Domain:</translation>
    </message>
    <message>
        <source>Timezone:</source>
        <translation>Zeitzone:</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>Sub-tenants:</source>
        <translation>Untermandanten:</translation>
    </message>
    <message>
        <source>Members:</source>
        <translation>Mitglieder:</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Angelegt:</translation>
    </message>
    <message>
        <source>Updated:</source>
        <translation>Geändert:</translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation>Kontingente</translation>
    </message>
    <message>
        <source>CPU:</source>
        <translation>CPU:</translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation>Arbeitsspeicher:</translation>
    </message>
    <message>
        <source>Storage:</source>
        <translation>Speicherplatz:</translation>
    </message>
    <message>
        <source>User seats:</source>
        <translation>Benutzerplätze:</translation>
    </message>
    <message>
        <source>API rate limit:</source>
        <translation>API-Ratenbegrenzung:</translation>
    </message>
    <message>
        <source>Policy and settings</source>
        <translation>Richtlinie und Einstellungen</translation>
    </message>
    <message>
        <source>Security policy:</source>
        <translation>Sicherheitsrichtlinie:</translation>
    </message>
    <message>
        <source>Feature flags:</source>
        <translation>Funktionsschalter:</translation>
    </message>
    <message>
        <source>Integration:</source>
        <translation>Integration:</translation>
    </message>
    <message>
        <source>Environments</source>
        <translation>Umgebungen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>cores</source>
        <translation>Kerne</translation>
    </message>
    <message>
        <source>GB</source>
        <translation>GB</translation>
    </message>
    <message>
        <source>requests/min</source>
        <translation>Anfragen/min</translation>
    </message>
    <message>
        <source>passwords of %1+ characters</source>
        <translation>Passwörter mit %1+ Zeichen</translation>
    </message>
    <message>
        <source>%1 character classes</source>
        <translation>%1 Zeichenklassen</translation>
    </message>
    <message>
        <source>MFA required</source>
        <translation>MFA erforderlich</translation>
    </message>
    <message>
        <source>MFA optional</source>
        <translation>MFA optional</translation>
    </message>
    <message>
        <source>sessions end after %1 min</source>
        <translation>Sitzungen enden nach %1 min</translation>
    </message>
    <message numerus="yes">
        <source>%n allowed network(s)</source>
        <translation>
            <numerusform>%n erlaubtes Netz</numerusform>
            <numerusform>%n erlaubte Netze</numerusform>
        </translation>
    </message>
    <message>
        <source>None set (the platform&apos;s defaults)</source>
        <translation>Nichts gesetzt (Standardwerte der Plattform)</translation>
    </message>
    <message>
        <source>None of its own (inherited)</source>
        <translation>Keine eigenen (geerbt)</translation>
    </message>
    <message>
        <source>%1 (%2 of %3 checklist steps done)</source>
        <translation>%1 (%2 von %3 Schritten der Checkliste erledigt)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantSettings</name>
    <message>
        <source>a whole number from %1 to %2 is needed.</source>
        <translation>Eine ganze Zahl von %1 bis %2 ist nötig.</translation>
    </message>
    <message>
        <source>a tenant&apos;s name has 1 to 200 characters.</source>
        <translation>Der Name eines Mandanten hat 1 bis 200 Zeichen.</translation>
    </message>
    <message>
        <source>“%1” is not a domain name such as example.com.</source>
        <translation>„%1“ ist kein Domainname wie example.com.</translation>
    </message>
    <message>
        <source>“%1” is not an IANA time zone such as Europe/Berlin.</source>
        <translation>„%1“ ist keine IANA-Zeitzone wie Europe/Berlin.</translation>
    </message>
    <message>
        <source>“%1” is not a language tag such as de or en-GB.</source>
        <translation>„%1“ ist kein Sprachkennzeichen wie de oder en-GB.</translation>
    </message>
    <message>
        <source>“%1” is not a network in CIDR notation such as 10.0.0.0/8 or 2001:db8::/32.</source>
        <translation>„%1“ ist kein Netz in CIDR-Schreibweise wie 10.0.0.0/8 oder 2001:db8::/32.</translation>
    </message>
    <message>
        <source>“%1” has host bits set; the network is %2/%3.</source>
        <translation>„%1“ hat gesetzte Host-Bits; das Netz ist %2/%3.</translation>
    </message>
    <message>
        <source>“%1” is not a flag name: lower-case letters, digits and _, starting with a letter, at most 64 characters.</source>
        <translation>„%1“ ist kein Schaltername: Kleinbuchstaben, Ziffern und _, beginnend mit einem Buchstaben, höchstens 64 Zeichen.</translation>
    </message>
    <message>
        <source>“%1” is not a setting key: letters, digits, _, . and -, starting with a letter, at most 64 characters.</source>
        <translation>„%1“ ist kein Einstellungsschlüssel: Buchstaben, Ziffern, _, . und -, beginnend mit einem Buchstaben, höchstens 64 Zeichen.</translation>
    </message>
    <message>
        <source>an environment&apos;s name has 1 to 100 characters, without spaces around it.</source>
        <translation>Der Name einer Umgebung hat 1 bis 100 Zeichen, ohne Leerzeichen am Anfang oder Ende.</translation>
    </message>
    <message>
        <source>a quota is a whole number from 0 to 1000000000, or empty for no limit; %1 is not.</source>
        <translation>Ein Kontingent ist eine ganze Zahl von 0 bis 1000000000 oder leer für keine Grenze; %1 ist es nicht.</translation>
    </message>
    <message>
        <source>requests per minute from 1 to 10000000, or empty for no limit; %1 is not.</source>
        <translation>Anfragen pro Minute von 1 bis 10000000 oder leer für keine Grenze; %1 ist es nicht.</translation>
    </message>
    <message>
        <source>true or false is needed.</source>
        <translation>true oder false ist nötig.</translation>
    </message>
    <message>
        <source>a list of networks in CIDR notation is needed.</source>
        <translation>Eine Liste von Netzen in CIDR-Schreibweise ist nötig.</translation>
    </message>
    <message>
        <source>at most 1000 networks.</source>
        <translation>Höchstens 1000 Netze.</translation>
    </message>
    <message>
        <source>a network in CIDR notation is needed.</source>
        <translation>Ein Netz in CIDR-Schreibweise ist nötig.</translation>
    </message>
    <message>
        <source>unknown field (known: password_min_length, password_classes, mfa_required, session_timeout_minutes, ip_allow_list).</source>
        <translation>Unbekanntes Feld (bekannt: password_min_length, password_classes, mfa_required, session_timeout_minutes, ip_allow_list).</translation>
    </message>
    <message>
        <source>a flag is true or false.</source>
        <translation>Ein Schalter ist true oder false.</translation>
    </message>
    <message>
        <source>an integration setting is text.</source>
        <translation>Eine Integrationseinstellung ist Text.</translation>
    </message>
    <message>
        <source>at most 4096 characters.</source>
        <translation>Höchstens 4096 Zeichen.</translation>
    </message>
    <message>
        <source>an environment setting is text, a number, or true or false.</source>
        <translation>Eine Umgebungseinstellung ist Text, eine Zahl oder true oder false.</translation>
    </message>
    <message>
        <source>each kind of environment at most once.</source>
        <translation>Jede Art von Umgebung höchstens einmal.</translation>
    </message>
    <message>
        <source>The change names no field to change.</source>
        <translation>Die Änderung nennt kein zu änderndes Feld.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantSettingsDialog</name>
    <message>
        <source>Settings of %1</source>
        <translation>Einstellungen von %1</translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation>Kontingente</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Keine Grenze</translation>
    </message>
    <message>
        <source> cores</source>
        <translation>Kerne</translation>
    </message>
    <message>
        <source> GB</source>
        <translation>GB</translation>
    </message>
    <message>
        <source> requests/min</source>
        <translation>Anfragen/min</translation>
    </message>
    <message>
        <source>&amp;CPU:</source>
        <translation>&amp;CPU:</translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation>&amp;Arbeitsspeicher:</translation>
    </message>
    <message>
        <source>S&amp;torage:</source>
        <translation>S&amp;peicherplatz:</translation>
    </message>
    <message>
        <source>User s&amp;eats:</source>
        <translation>Benutzer&amp;plätze:</translation>
    </message>
    <message>
        <source>API &amp;rate limit:</source>
        <translation>API-&amp;Ratenbegrenzung:</translation>
    </message>
    <message>
        <source>Security policy</source>
        <translation>Sicherheitsrichtlinie</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>Nicht gesetzt</translation>
    </message>
    <message>
        <source> characters</source>
        <translation>Zeichen</translation>
    </message>
    <message>
        <source>How many of lower case, upper case, digits and symbols a password must use.</source>
        <translation>Wie viele von Kleinbuchstaben, Großbuchstaben, Ziffern und Symbolen ein Passwort verwenden muss.</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Erforderlich</translation>
    </message>
    <message>
        <source>Not required</source>
        <translation>Nicht erforderlich</translation>
    </message>
    <message>
        <source> minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>One network per line, e.g. 10.0.0.0/8 or 2001:db8::/32; empty: any address</source>
        <translation>Ein Netz pro Zeile, z. B. 10.0.0.0/8 oder 2001:db8::/32; leer: jede Adresse</translation>
    </message>
    <message>
        <source>Minimum &amp;password length:</source>
        <translation>Mindestlänge des &amp;Passworts:</translation>
    </message>
    <message>
        <source>Character &amp;classes:</source>
        <translation>Zeichen&amp;klassen:</translation>
    </message>
    <message>
        <source>&amp;Multi-factor sign-in:</source>
        <translation>&amp;Mehrfaktor-Anmeldung:</translation>
    </message>
    <message>
        <source>Session &amp;timeout:</source>
        <translation>Sitzungs&amp;zeitlimit:</translation>
    </message>
    <message>
        <source>IP &amp;allow-list:</source>
        <translation>&amp;IP-Zulassungsliste:</translation>
    </message>
    <message>
        <source>Feature flags</source>
        <translation>Funktionsschalter</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>Schalter</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Comes from</source>
        <translation>Stammt aus</translation>
    </message>
    <message>
        <source>Add &amp;Flag…</source>
        <translation>&amp;Schalter hinzufügen…</translation>
    </message>
    <message>
        <source>Integration settings</source>
        <translation>Integrationseinstellungen</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Value of %1</source>
        <translation>Wert von %1</translation>
    </message>
    <message>
        <source>Inherit (%1)</source>
        <translation>Erben (%1)</translation>
    </message>
    <message>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>On</source>
        <translation>An</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>Inherited from %1</source>
        <translation>Geerbt von %1</translation>
    </message>
    <message>
        <source>Set here, overriding %1</source>
        <translation>Hier gesetzt, überschreibt %1</translation>
    </message>
    <message>
        <source>Set here</source>
        <translation>Hier gesetzt</translation>
    </message>
    <message>
        <source>Add Feature Flag</source>
        <translation>Funktionsschalter hinzufügen</translation>
    </message>
    <message>
        <source>Flag name (e.g. beta_dashboards):</source>
        <translation>Name des Schalters (z. B. beta_dashboards):</translation>
    </message>
    <message>
        <source>Inherit (off)</source>
        <translation>Erben (aus)</translation>
    </message>
    <message>
        <source>Someone else changed “%1” since these settings were read. Close this window, look at their change, and edit again.</source>
        <translation>Jemand anderes hat „%1“ geändert, seit diese Einstellungen gelesen wurden. Schließen Sie dieses Fenster, sehen Sie sich die Änderung an und bearbeiten Sie erneut.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantTreeModel</name>
    <message>
        <source>Platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>%1 (%2)
%3 · %4 sub-tenants · %5 environments</source>
        <translation>%1 (%2)
%3 · %4 Untermandanten · %5 Umgebungen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Slug</source>
        <translation>Kürzel</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domain</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl</name>
    <message>
        <source>--scale takes “small” or a number of tenants from 1 to 10000000, not “%1”.</source>
        <translation>--scale erwartet „small“ oder eine Anzahl Mandanten von 1 bis 10000000, nicht „%1“.</translation>
    </message>
    <message>
        <source>--%1 takes a whole number from 0 to %2, not “%3”.</source>
        <translation>--%1 erwartet eine ganze Zahl von 0 bis %2, nicht „%3“.</translation>
    </message>
    <message>
        <source>Generated %1 tenants, %2 environments, %3 users, %4 roles, %5 memberships, %6 usage samples, %7 billing lines and %8 audit events in %9 s.
</source>
        <translation>%1 Mandanten, %2 Umgebungen, %3 Benutzer, %4 Rollen, %5 Mitgliedschaften, %6 Nutzungswerte, %7 Abrechnungszeilen und %8 Prüfereignisse in %9 s erzeugt.
</translation>
    </message>
    <message>
        <source>SLUG</source>
        <translation>KÜRZEL</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>STATUS</translation>
    </message>
    <message>
        <source>SUB-TENANTS</source>
        <translation>UNTERMANDANTEN</translation>
    </message>
    <message>
        <source>ENVIRONMENTS</source>
        <translation>UMGEBUNGEN</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Slug</source>
        <translation>Kürzel</translation>
    </message>
    <message>
        <source>Parent</source>
        <translation>Übergeordnet</translation>
    </message>
    <message>
        <source>(platform)</source>
        <translation>(Plattform)</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domain</translation>
    </message>
    <message>
        <source>Timezone</source>
        <translation>Zeitzone</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>CPU cores</source>
        <translation>CPU-Kerne</translation>
    </message>
    <message>
        <source>Memory GB</source>
        <translation>Arbeitsspeicher GB</translation>
    </message>
    <message>
        <source>Storage GB</source>
        <translation>Speicherplatz GB</translation>
    </message>
    <message>
        <source>User seats</source>
        <translation>Benutzerplätze</translation>
    </message>
    <message>
        <source>API rate limit</source>
        <translation>API-Ratenbegrenzung</translation>
    </message>
    <message>
        <source>Sub-tenants</source>
        <translation>Untermandanten</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <source>Environments</source>
        <translation>Umgebungen</translation>
    </message>
    <message>
        <source>--%1 takes an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not “%2”.</source>
        <translation>--%1 erwartet ein Datum oder eine Zeit nach ISO 8601 wie 2026-03-01 oder 2026-03-01T12:00:00Z, nicht „%2“.</translation>
    </message>
    <message>
        <source>--limit takes a whole number from 1 to 1000000, not “%1”.</source>
        <translation>--limit erwartet eine ganze Zahl von 1 bis 1000000, nicht „%1“.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>AT</source>
        <translation>ZEIT</translation>
    </message>
    <message>
        <source>TENANT</source>
        <translation>MANDANT</translation>
    </message>
    <message>
        <source>ACTOR</source>
        <translation>AKTEUR</translation>
    </message>
    <message>
        <source>ACTION</source>
        <translation>AKTION</translation>
    </message>
    <message>
        <source>OBJECT</source>
        <translation>OBJEKT</translation>
    </message>
    <message>
        <source>the platform&apos;s own chain</source>
        <translation>die eigene Kette der Plattform</translation>
    </message>
    <message>
        <source>tenant %1 (id %2)</source>
        <translation>Mandant %1 (ID %2)</translation>
    </message>
    <message>
        <source>tenant id %1 (no longer there)</source>
        <translation>Mandant mit ID %1 (nicht mehr vorhanden)</translation>
    </message>
    <message>
        <source>Verified %1 audit events in %2 chains: every chain is intact.
</source>
        <translation>%1 Prüfereignisse in %2 Ketten geprüft: Jede Kette ist intakt.
</translation>
    </message>
    <message>
        <source>The audit trail is broken at event %1 in %2: %3.
</source>
        <translation>Das Prüfprotokoll ist bei Ereignis %1 in %2 unterbrochen: %3.
</translation>
    </message>
    <message>
        <source>(%1 events in %2 chains read.)
</source>
        <translation>(%1 Ereignisse in %2 Ketten gelesen.)
</translation>
    </message>
    <message>
        <source>the file to import</source>
        <translation>die zu importierende Datei</translation>
    </message>
    <message>
        <source>the realm export: a file, or a folder from kc.sh export</source>
        <translation>der Realm-Export: eine Datei oder ein Ordner aus kc.sh export</translation>
    </message>
    <message>
        <source>the user&apos;s e-mail address</source>
        <translation>die E-Mail-Adresse des Benutzers</translation>
    </message>
    <message>
        <source>the e-mail address of at least one user</source>
        <translation>die E-Mail-Adresse mindestens eines Benutzers</translation>
    </message>
    <message>
        <source>the role&apos;s name</source>
        <translation>der Name der Rolle</translation>
    </message>
    <message>
        <source>the tenant&apos;s slug</source>
        <translation>das Kürzel des Mandanten</translation>
    </message>
    <message>
        <source>the environment&apos;s name</source>
        <translation>der Name der Umgebung</translation>
    </message>
    <message>
        <source>the environment&apos;s new name</source>
        <translation>der neue Name der Umgebung</translation>
    </message>
    <message>
        <source>the backup file</source>
        <translation>die Sicherungsdatei</translation>
    </message>
    <message>
        <source>unknown command “%1”; see tenantctl --help.</source>
        <translation>Unbekannter Befehl „%1“; siehe tenantctl --help.</translation>
    </message>
    <message>
        <source>%1 needs %2 (usage: tenantctl %3).</source>
        <translation>%1 braucht %2 (Aufruf: tenantctl %3).</translation>
    </message>
    <message>
        <source>%1 takes no argument “%2” (usage: tenantctl %3).</source>
        <translation>%1 nimmt kein Argument „%2“ (Aufruf: tenantctl %3).</translation>
    </message>
    <message>
        <source>--%1 does not apply to %2 (usage: tenantctl %3).</source>
        <translation>--%1 gilt nicht für %2 (Aufruf: tenantctl %3).</translation>
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
        <translation>Mandanten, Benutzer und Rollen von TenantDesk über die Befehlszeile verwalten.

Die Datenbank (--database) ist eine TenantDesk-Datei (PFAD oder sqlite:PFAD) oder eine PostgreSQL-Datenbank
(postgresql://BENUTZER[:PASSWORT]@HOST[:PORT]/DATENBANK; ohne Passwort in der URL liefern es PGPASSWORD
oder ~/.pgpass von PostgreSQL). Eine neue PostgreSQL-Datenbank wird als die Rolle befüllt, der die Tabellen
gehören sollen; siehe docs/POSTGRESQL.md. Jeder Befehl nimmt --json, um JSON auszugeben.

Exit-Status: 0 erledigt, 1 der Vorgang schlug fehl oder wurde abgelehnt (die Meldung nennt das Feld),
2 falscher Aufruf.

Befehle:
</translation>
    </message>
    <message>
        <source>One of the commands above.</source>
        <translation>Einer der obigen Befehle.</translation>
    </message>
    <message>
        <source>no command given; see tenantctl --help.</source>
        <translation>Kein Befehl angegeben; siehe tenantctl --help.</translation>
    </message>
    <message>
        <source>--database is required: a database file or a postgresql:// URL.</source>
        <translation>--database ist erforderlich: eine Datenbankdatei oder eine postgresql://-URL.</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>%1 needs --%2 %3.</source>
        <translation>%1 braucht --%2 %3.</translation>
    </message>
    <message>
        <source>environment: %1 has no environment “%2”; it has %3.</source>
        <translation>environment: %1 hat keine Umgebung „%2“; vorhanden: %3.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>the rules file (JSON)</source>
        <translation>die Regeldatei (JSON)</translation>
    </message>
    <message>
        <source>the monthly amount (or none)</source>
        <translation>der monatliche Betrag (oder none)</translation>
    </message>
    <message>
        <source>the currency (USD, EUR, ...)</source>
        <translation>die Währung (USD, EUR, ...)</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Admin</name>
    <message>
        <source>%1 takes KEY=VALUE, not “%2”.</source>
        <translation>%1 erwartet SCHLÜSSEL=WERT, nicht „%2“.</translation>
    </message>
    <message>
        <source>--%1 takes a whole number or none, not “%2”.</source>
        <translation>--%1 erwartet eine ganze Zahl oder none, nicht „%2“.</translation>
    </message>
    <message>
        <source>at the top level</source>
        <translation>auf oberster Ebene</translation>
    </message>
    <message>
        <source>under %1</source>
        <translation>unter %1</translation>
    </message>
    <message>
        <source>%1 takes --parent SLUG or --top-level, not both.</source>
        <translation>%1 nimmt --parent KÜRZEL oder --top-level, nicht beides.</translation>
    </message>
    <message>
        <source>%1 needs --parent SLUG or --top-level.</source>
        <translation>%1 braucht --parent KÜRZEL oder --top-level.</translation>
    </message>
    <message>
        <source>backup: “%1” is a folder; name a file.</source>
        <translation>backup: „%1“ ist ein Ordner; nennen Sie eine Datei.</translation>
    </message>
    <message>
        <source>backup: “%1” exists already; name another file, or pass --force to replace it.</source>
        <translation>backup: „%1“ existiert bereits; nennen Sie eine andere Datei oder geben Sie --force an, um sie zu ersetzen.</translation>
    </message>
    <message>
        <source>backup: the folder “%1” does not exist or is not writable.</source>
        <translation>backup: Der Ordner „%1“ existiert nicht oder ist nicht beschreibbar.</translation>
    </message>
    <message>
        <source>backup: could not write “%1”: %2.</source>
        <translation>backup: „%1“ konnte nicht geschrieben werden: %2.</translation>
    </message>
    <message>
        <source>--environments: “%1” is not a kind of environment (production, staging, development, sandbox).</source>
        <translation>--environments: „%1“ ist keine Art von Umgebung (production, staging, development, sandbox).</translation>
    </message>
    <message>
        <source>Created %1, id %2, requested, %3, %4.
</source>
        <translation>%1 angelegt, ID %2, beantragt, %3, %4.
</translation>
    </message>
    <message>
        <source>without environments</source>
        <translation>ohne Umgebungen</translation>
    </message>
    <message>
        <source>with %1</source>
        <translation>mit %1</translation>
    </message>
    <message>
        <source>--flag %1: a flag is on, off or inherit, not “%2”.</source>
        <translation>--flag %1: Ein Schalter ist on, off oder inherit, nicht „%2“.</translation>
    </message>
    <message>
        <source>tenants update needs at least one change: --name, --domain, --timezone, --language, a quota, --rate-limit, --flag, --policy, --setting or --unset-setting.</source>
        <translation>tenants update braucht mindestens eine Änderung: --name, --domain, --timezone, --language, ein Kontingent, --rate-limit, --flag, --policy, --setting oder --unset-setting.</translation>
    </message>
    <message>
        <source>Nothing changed: %1 has these values already.
</source>
        <translation>Nichts geändert: %1 hat diese Werte bereits.
</translation>
    </message>
    <message>
        <source>Updated %1 to version %2:
</source>
        <translation>%1 auf Version %2 aktualisiert:
</translation>
    </message>
    <message>
        <source>%1 is %2 already.
</source>
        <translation>%1 ist bereits %2.
</translation>
    </message>
    <message>
        <source>Moved %1 %2.
</source>
        <translation>%1 %2 verschoben.
</translation>
    </message>
    <message>
        <source>status: %1 is %2; use tenants %3 for it.</source>
        <translation>status: %1 ist %2; verwenden Sie dafür tenants %3.</translation>
    </message>
    <message>
        <source>%1 is %2 (it was %3).
</source>
        <translation>%1 ist %2 (war %3).
</translation>
    </message>
    <message>
        <source>%1 is archived: its decommissioning is complete.</source>
        <translation>%1 ist archiviert: Seine Außerbetriebnahme ist abgeschlossen.</translation>
    </message>
    <message>
        <source>confirm_slug: --confirm “%1” is not the tenant&apos;s slug; type “%2” to delete its data.</source>
        <translation>confirm_slug: --confirm „%1“ ist nicht das Kürzel des Mandanten; geben Sie „%2“ ein, um seine Daten zu löschen.</translation>
    </message>
    <message>
        <source>%1 is decommissioning.</source>
        <translation>%1 wird außer Betrieb genommen.</translation>
    </message>
    <message>
        <source>%1 (SHA-256 %2)</source>
        <translation>%1 (SHA-256 %2)</translation>
    </message>
    <message>
        <source>Done: %1: %2.</source>
        <translation>Erledigt: %1: %2.</translation>
    </message>
    <message>
        <source>Done before: %1: %2.</source>
        <translation>Bereits erledigt: %1: %2.</translation>
    </message>
    <message>
        <source>Done before: %1.</source>
        <translation>Bereits erledigt: %1.</translation>
    </message>
    <message>
        <source>Done: %1.</source>
        <translation>Erledigt: %1.</translation>
    </message>
    <message>
        <source>archive it</source>
        <translation>ihn archivieren</translation>
    </message>
    <message>
        <source>Stopped before deleting the data of %1 (--confirm was not given). Still to do: %2.
</source>
        <translation>Vor dem Löschen der Daten von %1 angehalten (--confirm wurde nicht angegeben). Noch offen: %2.
</translation>
    </message>
    <message>
        <source>To continue: tenantctl --database %1 tenants decommission %2 --confirm %2
</source>
        <translation>Zum Fortfahren: tenantctl --database %1 tenants decommission %2 --confirm %2
</translation>
    </message>
    <message>
        <source>%1 is archived.</source>
        <translation>%1 ist archiviert.</translation>
    </message>
    <message>
        <source>file: could not read the backup “%1”: %2.</source>
        <translation>file: Die Sicherung „%1“ konnte nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>parent: %1 is archived here, and the backup is restored in its place, where it is; restore it without --parent or --top-level, then use tenants move.</source>
        <translation>parent: %1 ist hier archiviert, und die Sicherung wird an seiner Stelle wiederhergestellt, wo er ist; stellen Sie sie ohne --parent oder --top-level wieder her und verwenden Sie dann tenants move.</translation>
    </message>
    <message>
        <source>Restored %1 from %2 (SHA-256 %3), %4.
</source>
        <translation>%1 aus %2 wiederhergestellt (SHA-256 %3), %4.
</translation>
    </message>
    <message>
        <source>in place of the archived tenant</source>
        <translation>an Stelle des archivierten Mandanten</translation>
    </message>
    <message>
        <source>as a new tenant %1</source>
        <translation>als neuer Mandant %1</translation>
    </message>
    <message>
        <source>It is suspended; to resume it: tenantctl --database %1 tenants resume %2
</source>
        <translation>Er ist gesperrt; zum Entsperren: tenantctl --database %1 tenants resume %2
</translation>
    </message>
    <message>
        <source>Deleted %1, id %2.
</source>
        <translation>%1 gelöscht, ID %2.
</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>KIND</source>
        <translation>ART</translation>
    </message>
    <message>
        <source>VERSION</source>
        <translation>VERSION</translation>
    </message>
    <message>
        <source>SETTINGS</source>
        <translation>EINSTELLUNGEN</translation>
    </message>
    <message>
        <source>--kind: “%1” is not a kind of environment (production, staging, development, sandbox).</source>
        <translation>--kind: „%1“ ist keine Art von Umgebung (production, staging, development, sandbox).</translation>
    </message>
    <message>
        <source>Added the %1 environment “%2” to %3%4.
</source>
        <translation>Umgebung „%2“ (%1) zu %3%4 hinzugefügt.
</translation>
    </message>
    <message>
        <source>Renamed the environment “%1” of %2 to “%3”.
</source>
        <translation>Umgebung „%1“ von %2 in „%3“ umbenannt.
</translation>
    </message>
    <message>
        <source>environments set needs KEY=VALUE or --unset KEY.</source>
        <translation>environments set braucht SCHLÜSSEL=WERT oder --unset SCHLÜSSEL.</translation>
    </message>
    <message>
        <source>environments set</source>
        <translation>environments set</translation>
    </message>
    <message>
        <source>Nothing changed: the environment “%1” of %2 has these settings already.
</source>
        <translation>Nichts geändert: Die Umgebung „%1“ von %2 hat diese Einstellungen bereits.
</translation>
    </message>
    <message>
        <source>Changed the settings of the environment “%1” of %2:
</source>
        <translation>Einstellungen der Umgebung „%1“ von %2 geändert:
</translation>
    </message>
    <message>
        <source>confirm_name: --confirm “%1” is not the environment&apos;s name; type “%2” to remove it.</source>
        <translation>confirm_name: --confirm „%1“ ist nicht der Name der Umgebung; geben Sie „%2“ ein, um sie zu entfernen.</translation>
    </message>
    <message>
        <source>Removed the environment “%1” from %2, with the memberships held on it.
</source>
        <translation>Umgebung „%1“ aus %2 entfernt, mit den Mitgliedschaften auf ihr.
</translation>
    </message>
    <message>
        <source>environments promote needs --keys KEY,KEY... or --all.</source>
        <translation>environments promote braucht --keys SCHLÜSSEL,SCHLÜSSEL... oder --all.</translation>
    </message>
    <message>
        <source>--keys names no setting; give KEY,KEY... or --all.</source>
        <translation>--keys nennt keine Einstellung; geben Sie SCHLÜSSEL,SCHLÜSSEL... oder --all an.</translation>
    </message>
    <message>
        <source>to: an environment is promoted to another one, not to itself.</source>
        <translation>to: Eine Umgebung wird auf eine andere übertragen, nicht auf sich selbst.</translation>
    </message>
    <message>
        <source>keys: neither “%1” nor “%2” has a setting “%3”.</source>
        <translation>keys: Weder „%1“ noch „%2“ hat eine Einstellung „%3“.</translation>
    </message>
    <message>
        <source>FROM %1</source>
        <translation>VON %1</translation>
    </message>
    <message>
        <source>KEY</source>
        <translation>SCHLÜSSEL</translation>
    </message>
    <message>
        <source>TO %1</source>
        <translation>NACH %1</translation>
    </message>
    <message numerus="yes">
        <source>Dry run: %n setting(s) would change in “%1”; nothing was changed.
</source>
        <translation>
            <numerusform>Probelauf: %n Einstellung(en) würden sich in „%1“ ändern; es wurde nichts geändert.
</numerusform>
            <numerusform>Probelauf: %n Einstellung(en) würden sich in „%1“ ändern; es wurde nichts geändert.
</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to promote: “%1” has the settings of “%2” already.
</source>
        <translation>Nichts zu übertragen: „%1“ hat die Einstellungen von „%2“ bereits.
</translation>
    </message>
    <message numerus="yes">
        <source>Promoted %n setting(s) from “%1” to “%2”:
</source>
        <translation>
            <numerusform>%n Einstellung(en) von „%1“ nach „%2“ übertragen:
</numerusform>
            <numerusform>%n Einstellung(en) von „%1“ nach „%2“ übertragen:
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Billing</name>
    <message>
        <source>Import %1: %2 (%3), %4 lines, %5 unallocated, billed %6 %7
</source>
        <translation>Import %1: %2 (%3), %4 Zeilen, %5 nicht zugeordnet, abgerechnet %6 %7
</translation>
    </message>
    <message>
        <source>  imported %1 by %2; charges from %3 to %4; SHA-256 %5
</source>
        <translation>  importiert am %1 von %2; Leistungszeitraum %3 bis %4; SHA-256 %5
</translation>
    </message>
    <message>
        <source>There is no file “%1”.</source>
        <translation>Es gibt keine Datei „%1“.</translation>
    </message>
    <message>
        <source>--format takes focus, aws-cur, aws-cur2, azure-ea, azure-mca or auto, not “%1”.</source>
        <translation>--format nimmt focus, aws-cur, aws-cur2, azure-ea, azure-mca oder auto, nicht „%1“.</translation>
    </message>
    <message>
        <source>--on-duplicate takes refuse, skip or replace, not “%1”.</source>
        <translation>--on-duplicate nimmt refuse, skip oder replace, nicht „%1“.</translation>
    </message>
    <message>
        <source>Skipped %1: the same file was imported before.
</source>
        <translation>%1 übersprungen: Dieselbe Datei wurde bereits importiert.
</translation>
    </message>
    <message>
        <source>  %1 lines attributed to tenants or shared, %2 unallocated, in %3 s
</source>
        <translation>  %1 Zeilen Mandanten zugeordnet oder gemeinsam, %2 nicht zugeordnet, in %3 s
</translation>
    </message>
    <message>
        <source>  replaced import %1
</source>
        <translation>  Import %1 ersetzt
</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Hinweis:</translation>
    </message>
    <message>
        <source>No billing file was imported yet.
</source>
        <translation>Es wurde noch keine Abrechnungsdatei importiert.
</translation>
    </message>
    <message>
        <source>billing delete-import takes an import&apos;s id (a whole number, see billing imports), not “%1”.</source>
        <translation>billing delete-import nimmt die ID eines Imports (eine ganze Zahl, siehe billing imports), nicht „%1“.</translation>
    </message>
    <message>
        <source>Deleted import %1 (%2): %3 lines and their roll-ups.
</source>
        <translation>Import %1 (%2) gelöscht: %3 Zeilen und ihre Summen.
</translation>
    </message>
    <message>
        <source>--%1 takes a day such as 2024-09-30 or an ISO 8601 time, not “%2”.</source>
        <translation>--%1 nimmt einen Tag wie 2024-09-30 oder eine Zeit nach ISO 8601, nicht „%2“.</translation>
    </message>
    <message>
        <source>A total is not a decimal number: “%1”.</source>
        <translation>Eine Summe ist keine Dezimalzahl: „%1“.</translation>
    </message>
    <message>
        <source>billing summary prints either --json or --csv, not both.</source>
        <translation>billing summary gibt entweder --json oder --csv aus, nicht beides.</translation>
    </message>
    <message>
        <source>--by takes tenant, service and month, comma-separated, not “%1”.</source>
        <translation>--by nimmt tenant, service und month, durch Kommas getrennt, nicht „%1“.</translation>
    </message>
    <message>
        <source>--by names each of tenant, service and month at most once.</source>
        <translation>--by nennt tenant, service und month jeweils höchstens einmal.</translation>
    </message>
    <message>
        <source>(unallocated)</source>
        <translation>(nicht zugeordnet)</translation>
    </message>
    <message>
        <source>tenant</source>
        <translation>mandant</translation>
    </message>
    <message>
        <source>service</source>
        <translation>dienst</translation>
    </message>
    <message>
        <source>month</source>
        <translation>monat</translation>
    </message>
    <message>
        <source>currency</source>
        <translation>währung</translation>
    </message>
    <message>
        <source>billed_cost</source>
        <translation>abgerechnete_kosten</translation>
    </message>
    <message>
        <source>effective_cost</source>
        <translation>effektive_kosten</translation>
    </message>
    <message>
        <source>list_cost</source>
        <translation>listenkosten</translation>
    </message>
    <message>
        <source>shared_billed_cost</source>
        <translation>gemeinsame_abgerechnete_kosten</translation>
    </message>
    <message>
        <source>lines</source>
        <translation>zeilen</translation>
    </message>
    <message>
        <source>No billing cost in this range.
</source>
        <translation>Keine Abrechnungskosten in diesem Zeitraum.
</translation>
    </message>
    <message numerus="yes">
        <source>Total %1: billed %2, effective %3, list %4 (%n line(s)).
</source>
        <translation>
            <numerusform>Summe %1: abgerechnet %2, effektiv %3, Listenpreis %4 (%n Zeile(n)).
</numerusform>
            <numerusform>Summe %1: abgerechnet %2, effektiv %3, Listenpreis %4 (%n Zeile(n)).
</numerusform>
        </translation>
    </message>
    <message>
        <source>tenant %1 (not found)</source>
        <translation>Mandant %1 (nicht gefunden)</translation>
    </message>
    <message>
        <source>Attribution rules, version %1
</source>
        <translation>Zuordnungsregeln, Version %1
</translation>
    </message>
    <message>
        <source>Tenant tag keys: %1
</source>
        <translation>Mandanten-Tag-Schlüssel: %1
</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Mappings: (none)
</source>
        <translation>Zuordnungen: (keine)
</translation>
    </message>
    <message>
        <source>Mapping: tag %1 = %2 → %3
</source>
        <translation>Zuordnung: Tag %1 = %2 → %3
</translation>
    </message>
    <message>
        <source>Mapping: sub-account %1 → %2
</source>
        <translation>Zuordnung: Unterkonto %1 → %2
</translation>
    </message>
    <message>
        <source>Shared cost: (none)
</source>
        <translation>Gemeinsame Kosten: (keine)
</translation>
    </message>
    <message>
        <source>service %1</source>
        <translation>Dienst %1</translation>
    </message>
    <message>
        <source>sub-account %1</source>
        <translation>Unterkonto %1</translation>
    </message>
    <message>
        <source>evenly</source>
        <translation>gleichmäßig</translation>
    </message>
    <message>
        <source>in proportion to direct cost</source>
        <translation>im Verhältnis zu den direkten Kosten</translation>
    </message>
    <message>
        <source>Shared cost: %1, spread %2 over %3
</source>
        <translation>Gemeinsame Kosten: %1, %2 verteilt auf %3
</translation>
    </message>
    <message>
        <source>every tenant with direct cost that month</source>
        <translation>alle Mandanten mit direkten Kosten in dem Monat</translation>
    </message>
    <message>
        <source>Cannot read “%1”: %2</source>
        <translation>„%1“ kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>“%1” is not a JSON object: %2 at character %3.</source>
        <translation>„%1“ ist kein JSON-Objekt: %2 bei Zeichen %3.</translation>
    </message>
    <message>
        <source>Attribution rules version %1 applied: %2 lines attributed to tenants, %3 unallocated, %4 shared.
</source>
        <translation>Zuordnungsregeln Version %1 angewendet: %2 Zeilen Mandanten zugeordnet, %3 nicht zugeordnet, %4 gemeinsam.
</translation>
    </message>
    <message>
        <source>%1 has no monthly budget in %2 now.
</source>
        <translation>%1 hat jetzt kein Monatsbudget in %2.
</translation>
    </message>
    <message>
        <source>%1: a monthly budget of %2 %3.
</source>
        <translation>%1: ein Monatsbudget von %2 %3.
</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Import</name>
    <message>
        <source>file: could not read “%1”: %2.</source>
        <translation>file: „%1“ konnte nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>it is a folder</source>
        <translation>es ist ein Ordner</translation>
    </message>
    <message>
        <source>%1 user(s) created, %2 existing user(s) given memberships, %3 role(s) created, %4 membership(s) created</source>
        <translation>%1 Benutzer angelegt, %2 vorhandenen Benutzern Mitgliedschaften gegeben, %3 Rolle(n) angelegt, %4 Mitgliedschaft(en) angelegt</translation>
    </message>
    <message>
        <source> (tenant %1%2)</source>
        <translation>(Mandant %1%2)</translation>
    </message>
    <message>
        <source>, new</source>
        <translation>, neu</translation>
    </message>
    <message>
        <source>Checked %1%2: nothing wrong; it would make %3. Nothing was written (--dry-run).
</source>
        <translation>%1%2 geprüft: nichts falsch; es ergäbe %3. Es wurde nichts geschrieben (--dry-run).
</translation>
    </message>
    <message>
        <source>Imported %1%2: %3.
</source>
        <translation>%1%2 importiert: %3.
</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message numerus="yes">
        <source>the import was refused with %n problem(s); nothing was written:</source>
        <translation>
            <numerusform>Der Import wurde mit %n Problem(en) abgelehnt; es wurde nichts geschrieben:</numerusform>
            <numerusform>Der Import wurde mit %n Problem(en) abgelehnt; es wurde nichts geschrieben:</numerusform>
        </translation>
    </message>
    <message>
        <source>file: there is no file or folder “%1”.</source>
        <translation>file: Es gibt keine Datei und keinen Ordner „%1“.</translation>
    </message>
    <message>
        <source>file: “%1” holds no Keycloak realm.</source>
        <translation>file: „%1“ enthält keinen Keycloak-Realm.</translation>
    </message>
    <message>
        <source>output: could not write to standard output.</source>
        <translation>output: Auf die Standardausgabe konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>output: could not write “%1”: %2.</source>
        <translation>output: „%1“ konnte nicht geschrieben werden: %2.</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n user(s) to %1.
</source>
        <translation>
            <numerusform>%n Benutzer nach %1 exportiert.
</numerusform>
            <numerusform>%n Benutzer nach %1 exportiert.
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Report</name>
    <message>
        <source>--%1 takes an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not “%2”.</source>
        <translation>--%1 erwartet ein Datum oder eine Zeit nach ISO 8601 wie 2026-03-01 oder 2026-03-01T12:00:00Z, nicht „%2“.</translation>
    </message>
    <message>
        <source>billing report needs --pdf FILE, --xlsx FILE or --output FILE.csv (or several).</source>
        <translation>billing report braucht --pdf DATEI, --xlsx DATEI oder --output DATEI.csv (oder mehrere).</translation>
    </message>
    <message>
        <source>Billing report</source>
        <translation>Abrechnungsbericht</translation>
    </message>
    <message>
        <source>All tenants</source>
        <translation>Alle Mandanten</translation>
    </message>
    <message>
        <source>%1, %2 to %3</source>
        <translation>%1, %2 bis %3</translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation>%1 geschrieben</translation>
    </message>
    <message>
        <source>No billing data matches: the report has no rows.</source>
        <translation>Keine Abrechnungsdaten passen: Der Bericht hat keine Zeilen.</translation>
    </message>
    <message>
        <source>Cannot write %1: the folder %2 is missing or not writable.</source>
        <translation>%1 kann nicht geschrieben werden: Der Ordner %2 fehlt oder ist nicht beschreibbar.</translation>
    </message>
    <message>
        <source>--branding-dir: “%1” is not a folder.</source>
        <translation>--branding-dir: „%1“ ist kein Ordner.</translation>
    </message>
    <message>
        <source>Cannot write %1: it is a folder; name a file in it.</source>
        <translation>%1 kann nicht geschrieben werden: Das ist ein Ordner; nennen Sie eine Datei darin.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Users</name>
    <message>
        <source>email: there is no user with the e-mail address “%1”.</source>
        <translation>email: Es gibt keinen Benutzer mit der E-Mail-Adresse „%1“.</translation>
    </message>
    <message>
        <source>%1: there is no role “%2” %3; there are %4.</source>
        <translation>%1: Es gibt keine Rolle „%2“ %3; vorhanden sind %4.</translation>
    </message>
    <message>
        <source>outside a tenant (a tenant&apos;s custom roles need --tenant SLUG)</source>
        <translation>außerhalb eines Mandanten (die eigenen Rollen eines Mandanten brauchen --tenant KÜRZEL)</translation>
    </message>
    <message>
        <source>on %1</source>
        <translation>auf %1</translation>
    </message>
    <message>
        <source>--environment needs --tenant SLUG: an environment belongs to a tenant.</source>
        <translation>--environment braucht --tenant KÜRZEL: Eine Umgebung gehört zu einem Mandanten.</translation>
    </message>
    <message>
        <source>--status takes %1, not “%2”.</source>
        <translation>--status erwartet %1, nicht „%2“.</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>platform: %1</source>
        <translation>Plattform: %1</translation>
    </message>
    <message>
        <source>%1 on %2 (inherited)</source>
        <translation>%1 auf %2 (geerbt)</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>role: “%1” is a role of %2, which %3 inherits; change it with --tenant %4.</source>
        <translation>role: „%1“ ist eine Rolle von %2, die %3 erbt; ändern Sie sie mit --tenant %4.</translation>
    </message>
    <message>
        <source>E-MAIL</source>
        <translation>E-MAIL</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>STATUS</translation>
    </message>
    <message>
        <source>LAST SIGN-IN</source>
        <translation>LETZTE ANMELDUNG</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>ANGELEGT</translation>
    </message>
    <message>
        <source>--sort takes name, email, status, last-sign-in or created, not “%1”.</source>
        <translation>--sort erwartet name, email, status, last-sign-in oder created, nicht „%1“.</translation>
    </message>
    <message>
        <source>users list takes --limit N or --all, not both.</source>
        <translation>users list nimmt --limit N oder --all, nicht beides.</translation>
    </message>
    <message>
        <source>--limit takes a whole number from 1 to 100000000, not “%1”.</source>
        <translation>--limit erwartet eine ganze Zahl von 1 bis 100000000, nicht „%1“.</translation>
    </message>
    <message>
        <source>(the first %1 users; more match: --limit N or --all for more)
</source>
        <translation>(die ersten %1 Benutzer; weitere passen: --limit N oder --all für mehr)
</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>Letzte Anmeldung</translation>
    </message>
    <message>
        <source>Platform roles</source>
        <translation>Plattformrollen</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>%1 (a platform principal)</source>
        <translation>%1 (ein Plattform-Prinzipal)</translation>
    </message>
    <message>
        <source>Memberships</source>
        <translation>Mitgliedschaften</translation>
    </message>
    <message>
        <source>Memberships:</source>
        <translation>Mitgliedschaften:</translation>
    </message>
    <message numerus="yes">
        <source>also applies to %n sub-tenant(s)</source>
        <translation>
            <numerusform>gilt auch für %n Untermandant(en)</numerusform>
            <numerusform>gilt auch für %n Untermandant(en)</numerusform>
        </translation>
    </message>
    <message>
        <source>users create takes --tenant SLUG and --role NAME together, for the user&apos;s first membership.</source>
        <translation>users create nimmt --tenant KÜRZEL und --role NAME zusammen, für die erste Mitgliedschaft des Benutzers.</translation>
    </message>
    <message>
        <source>Created %1, id %2, %3</source>
        <translation>%1 angelegt, ID %2, %3</translation>
    </message>
    <message>
        <source>, with “%1” on %2</source>
        <translation>, mit „%1“ auf %2</translation>
    </message>
    <message>
        <source>users update needs --name NAME, --email NEW or --status STATUS.</source>
        <translation>users update braucht --name NAME, --email NEU oder --status STATUS.</translation>
    </message>
    <message>
        <source>name: “%1” → “%2”</source>
        <translation>Name: „%1“ → „%2“</translation>
    </message>
    <message>
        <source>e-mail: %1 → %2</source>
        <translation>E-Mail: %1 → %2</translation>
    </message>
    <message>
        <source>status: %1 → %2</source>
        <translation>Status: %1 → %2</translation>
    </message>
    <message>
        <source>Nothing changed: %1 is so already.
</source>
        <translation>Nichts geändert: %1 ist bereits so.
</translation>
    </message>
    <message>
        <source>Changed %1:
</source>
        <translation>%1 geändert:
</translation>
    </message>
    <message numerus="yes">
        <source>Disabled %n user(s): %1.
</source>
        <translation>
            <numerusform>%n Benutzer deaktiviert: %1.
</numerusform>
            <numerusform>%n Benutzer deaktiviert: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enabled %n user(s): %1.
</source>
        <translation>
            <numerusform>%n Benutzer aktiviert: %1.
</numerusform>
            <numerusform>%n Benutzer aktiviert: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) disabled already: %1.
</source>
        <translation>
            <numerusform>%n Benutzer bereits deaktiviert: %1.
</numerusform>
            <numerusform>%n Benutzer bereits deaktiviert: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) active already: %1.
</source>
        <translation>
            <numerusform>%n Benutzer bereits aktiv: %1.
</numerusform>
            <numerusform>%n Benutzer bereits aktiv: %1.
</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 needs --tenant SLUG: the tenant the role is held on.</source>
        <translation>%1 braucht --tenant KÜRZEL: den Mandanten, auf dem die Rolle gilt.</translation>
    </message>
    <message numerus="yes">
        <source>Granted “%1” on %2 to %n user(s): %3.
</source>
        <translation>
            <numerusform>„%1“ auf %2 an %n Benutzer zugewiesen: %3.
</numerusform>
            <numerusform>„%1“ auf %2 an %n Benutzer zugewiesen: %3.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Took “%1” on %2 away from %n user(s): %3.
</source>
        <translation>
            <numerusform>„%1“ auf %2 %n Benutzer(n) entzogen: %3.
</numerusform>
            <numerusform>„%1“ auf %2 %n Benutzer(n) entzogen: %3.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) held it already: %1.
</source>
        <translation>
            <numerusform>%n Benutzer hatten sie bereits: %1.
</numerusform>
            <numerusform>%n Benutzer hatten sie bereits: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) did not hold it there: %1.
</source>
        <translation>
            <numerusform>%n Benutzer hatten sie dort nicht: %1.
</numerusform>
            <numerusform>%n Benutzer hatten sie dort nicht: %1.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved the memberships of %n user(s) from %1 to %2, roles kept: %3.
</source>
        <translation>
            <numerusform>Mitgliedschaften von %n Benutzer(n) von %1 nach %2 verschoben, Rollen behalten: %3.
</numerusform>
            <numerusform>Mitgliedschaften von %n Benutzer(n) von %1 nach %2 verschoben, Rollen behalten: %3.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) had no membership on %1: %2.
</source>
        <translation>
            <numerusform>%n Benutzer hatten keine Mitgliedschaft auf %1: %2.
</numerusform>
            <numerusform>%n Benutzer hatten keine Mitgliedschaft auf %1: %2.
</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 holds no permission on %2.
</source>
        <translation>%1 hat keine Berechtigung auf %2.
</translation>
    </message>
    <message>
        <source>Permissions of %1 on %2, and what grants each:
</source>
        <translation>Berechtigungen von %1 auf %2 und was jede gewährt:
</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>integriert</translation>
    </message>
    <message>
        <source>platform</source>
        <translation>Plattform</translation>
    </message>
    <message>
        <source>SCOPE</source>
        <translation>GELTUNGSBEREICH</translation>
    </message>
    <message>
        <source>OWNER</source>
        <translation>EIGENTÜMER</translation>
    </message>
    <message>
        <source>PERMISSIONS</source>
        <translation>BERECHTIGUNGEN</translation>
    </message>
    <message>
        <source>includes %1</source>
        <translation>enthält %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>--scope takes tenant or environment, not “%1”.</source>
        <translation>--scope erwartet tenant oder environment, nicht „%1“.</translation>
    </message>
    <message>
        <source>Created the %1 role “%2” of %3, id %4: %5</source>
        <translation>%1-Rolle „%2“ von %3 angelegt, ID %4: %5</translation>
    </message>
    <message>
        <source>no permissions of its own</source>
        <translation>keine eigenen Berechtigungen</translation>
    </message>
    <message>
        <source>; includes %1</source>
        <translation>; enthält %1</translation>
    </message>
    <message>
        <source>roles update needs --name, --description, --permission or --include.</source>
        <translation>roles update braucht --name, --description, --permission oder --include.</translation>
    </message>
    <message>
        <source>description: “%1” → “%2”</source>
        <translation>Beschreibung: „%1“ → „%2“</translation>
    </message>
    <message>
        <source>permissions: %1 → %2</source>
        <translation>Berechtigungen: %1 → %2</translation>
    </message>
    <message>
        <source>includes: %1 → %2</source>
        <translation>enthält: %1 → %2</translation>
    </message>
    <message>
        <source>Nothing changed: the role “%1” of %2 is so already.
</source>
        <translation>Nichts geändert: Die Rolle „%1“ von %2 ist bereits so.
</translation>
    </message>
    <message>
        <source>Changed the role “%1” of %2:
</source>
        <translation>Rolle „%1“ von %2 geändert:
</translation>
    </message>
    <message>
        <source>confirm: --confirm “%1” is not the role&apos;s name; type “%2” to delete it.</source>
        <translation>confirm: --confirm „%1“ ist nicht der Name der Rolle; geben Sie „%2“ ein, um sie zu löschen.</translation>
    </message>
    <message>
        <source>Deleted the role “%1” of %2.
</source>
        <translation>Rolle „%1“ von %2 gelöscht.
</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsageComparisonModel</name>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Whole range</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsagePage</name>
    <message>
        <source>%1 cores</source>
        <translation>%1 Kerne</translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation>%1 GB</translation>
    </message>
    <message>
        <source>%1 seats</source>
        <translation>%1 Plätze</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>Nutzung</translation>
    </message>
    <message>
        <source>&amp;Metric:</source>
        <translation>M&amp;etrik:</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>Metrik</translation>
    </message>
    <message>
        <source>&amp;Day</source>
        <translation>&amp;Tag</translation>
    </message>
    <message>
        <source>&amp;Week</source>
        <translation>&amp;Woche</translation>
    </message>
    <message>
        <source>Mo&amp;nth</source>
        <translation>Mo&amp;nat</translation>
    </message>
    <message>
        <source>&amp;Quarter</source>
        <translation>&amp;Quartal</translation>
    </message>
    <message>
        <source>&amp;Top:</source>
        <translation>To&amp;p:</translation>
    </message>
    <message>
        <source>Number of tenants compared</source>
        <translation>Anzahl der verglichenen Mandanten</translation>
    </message>
    <message>
        <source>&amp;Reset Zoom</source>
        <translation>Zoom zu&amp;rücksetzen</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>Zoom zurücksetzen</translation>
    </message>
    <message>
        <source>Show the whole range again (0). On the chart: drag to zoom in, Shift+drag or the arrow keys to pan</source>
        <translation>Wieder den gesamten Zeitraum zeigen (0). Im Diagramm: Ziehen zum Vergrößern, Umschalt+Ziehen oder Pfeiltasten zum Verschieben</translation>
    </message>
    <message>
        <source>Show &amp;Table</source>
        <translation>Tabe&amp;lle anzeigen</translation>
    </message>
    <message>
        <source>Show table</source>
        <translation>Tabelle anzeigen</translation>
    </message>
    <message>
        <source>The values behind the chart, one row per hour (Ctrl+T)</source>
        <translation>Die Werte hinter dem Diagramm, eine Zeile pro Stunde (Strg+T)</translation>
    </message>
    <message>
        <source>Show &amp;All</source>
        <translation>Alle an&amp;zeigen</translation>
    </message>
    <message>
        <source>Show all metrics</source>
        <translation>Alle Metriken anzeigen</translation>
    </message>
    <message>
        <source>Every metric at once, as small charts over the same range</source>
        <translation>Alle Metriken auf einmal, als kleine Diagramme über denselben Zeitraum</translation>
    </message>
    <message>
        <source>&amp;Export Chart…</source>
        <translation>Diagramm e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>Save the chart as PNG, SVG or PDF</source>
        <translation>Das Diagramm als PNG, SVG oder PDF speichern</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>Wird geladen</translation>
    </message>
    <message>
        <source>Usage error</source>
        <translation>Fehler beim Lesen der Nutzung</translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Retry reading the usage</source>
        <translation>Die Nutzung erneut lesen</translation>
    </message>
    <message>
        <source>Usage chart</source>
        <translation>Nutzungsdiagramm</translation>
    </message>
    <message>
        <source>Drag to zoom in, Shift+drag or arrow keys to pan, 0 to reset</source>
        <translation>Ziehen zum Vergrößern, Umschalt+Ziehen oder Pfeiltasten zum Verschieben, 0 zum Zurücksetzen</translation>
    </message>
    <message>
        <source>Usage table</source>
        <translation>Nutzungstabelle</translation>
    </message>
    <message>
        <source>Every metric</source>
        <translation>Alle Metriken</translation>
    </message>
    <message>
        <source>Could not read the usage: %1</source>
        <translation>Die Nutzung konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 — peak %2 % of quota</source>
        <translation>%1 — Spitze %2 % des Kontingents</translation>
    </message>
    <message>
        <source>Usage of %1</source>
        <translation>Nutzung von %1</translation>
    </message>
    <message>
        <source>Usage of %1 of %2</source>
        <translation>Nutzung von %1 von %2</translation>
    </message>
    <message>
        <source>Usage across the platform</source>
        <translation>Nutzung auf der ganzen Plattform</translation>
    </message>
    <message>
        <source>Local time</source>
        <translation>Ortszeit</translation>
    </message>
    <message>
        <source>Quota: %1</source>
        <translation>Kontingent: %1</translation>
    </message>
    <message>
        <source>Top %1 tenants by %2, month by month (stacked)</source>
        <translation>Die %1 größten Mandanten nach %2, Monat für Monat (gestapelt)</translation>
    </message>
    <message>
        <source>Top %1 tenants by %2 (monthly means)</source>
        <translation>Die %1 größten Mandanten nach %2 (Monatsmittel)</translation>
    </message>
    <message>
        <source>%1, %2: %3 %4</source>
        <translation>%1, %2: %3 %4</translation>
    </message>
    <message>
        <source>No tenant has %1 between %2 and %3 UTC.</source>
        <translation>Kein Mandant hat %1 zwischen %2 und %3 UTC.</translation>
    </message>
    <message>
        <source>%1 to %2 (UTC); the largest first.</source>
        <translation>%1 bis %2 (UTC); die größten zuerst.</translation>
    </message>
    <message>
        <source>%1 to %2 UTC</source>
        <translation>%1 bis %2 UTC</translation>
    </message>
    <message>
        <source>No %1 recorded from %2.</source>
        <translation>Für %1 wurde im Zeitraum %2 nichts erfasst.</translation>
    </message>
    <message>
        <source>%1: peak %2 at %3</source>
        <translation>%1: Spitze %2 am %3</translation>
    </message>
    <message>
        <source> — peak %1 % of quota (%2)</source>
        <translation> — Spitze %1 % des Kontingents (%2)</translation>
    </message>
    <message>
        <source> — the tenant has no quota for this</source>
        <translation> — der Mandant hat dafür kein Kontingent</translation>
    </message>
    <message>
        <source>%1 UTC
%2: %3</source>
        <translation>%1 UTC
%2: %3</translation>
    </message>
    <message>
        <source>
%1 % of the quota (%2)</source>
        <translation>
%1 % des Kontingents (%2)</translation>
    </message>
    <message>
        <source>Show &amp;Chart</source>
        <translation>Dia&amp;gramm anzeigen</translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation>%1 konnte nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Choose a file ending in .png, .svg or .pdf.</source>
        <translation>Wählen Sie eine Datei mit der Endung .png, .svg oder .pdf.</translation>
    </message>
    <message>
        <source>Export Chart</source>
        <translation>Diagramm exportieren</translation>
    </message>
    <message>
        <source>usage.png</source>
        <translation>nutzung.png</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;PDF-Dokument (*.pdf)</translation>
    </message>
    <message>
        <source>%1 calls/hour</source>
        <translation>%1 Aufrufe/Stunde</translation>
    </message>
    <message>
        <source>%1 % errors</source>
        <translation>%1 % Fehler</translation>
    </message>
    <message>
        <source> — the tenant has no API rate limit</source>
        <translation> — der Mandant hat keine API-Ratenbegrenzung</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsageSeriesModel</name>
    <message>
        <source>CPU hours</source>
        <translation>CPU-Stunden</translation>
    </message>
    <message>
        <source>Memory (GB hours)</source>
        <translation>Arbeitsspeicher (GB-Stunden)</translation>
    </message>
    <message>
        <source>Storage (GB)</source>
        <translation>Speicherplatz (GB)</translation>
    </message>
    <message>
        <source>API calls</source>
        <translation>API-Aufrufe</translation>
    </message>
    <message>
        <source>Active users</source>
        <translation>Aktive Benutzer</translation>
    </message>
    <message>
        <source>Error rate (%)</source>
        <translation>Fehlerrate (%)</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Hour (UTC)</source>
        <translation>Stunde (UTC)</translation>
    </message>
    <message>
        <source>Quota</source>
        <translation>Kontingent</translation>
    </message>
    <message>
        <source>Of quota</source>
        <translation>Anteil am Kontingent</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserConflictDialog</name>
    <message>
        <source>%1 was changed by someone else</source>
        <translation>%1 wurde von jemand anderem geändert</translation>
    </message>
    <message>
        <source>While you were editing, “%1” was changed (now version %2, you started from version %3). Compare the values, then apply your change to the current version or keep the current one.</source>
        <translation>Während Sie bearbeitet haben, wurde „%1“ geändert (jetzt Version %2, Sie haben mit Version %3 begonnen). Vergleichen Sie die Werte und übernehmen Sie dann Ihre Änderung in die aktuelle Version oder behalten Sie die aktuelle.</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Your change</source>
        <translation>Ihre Änderung</translation>
    </message>
    <message>
        <source>Now stored</source>
        <translation>Jetzt gespeichert</translation>
    </message>
    <message>
        <source>When you started</source>
        <translation>Bei Ihrem Beginn</translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation>(unverändert)</translation>
    </message>
    <message>
        <source>&amp;Apply my change</source>
        <translation>Meine Änderung &amp;übernehmen</translation>
    </message>
    <message>
        <source>&amp;Keep theirs</source>
        <translation>Deren Version &amp;behalten</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserEditorDialog</name>
    <message>
        <source>Invite again</source>
        <translation>Erneut einladen</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>this environment</source>
        <translation>diese Umgebung</translation>
    </message>
    <message numerus="yes">
        <source>the tenant; also applies to %n sub-tenant(s)</source>
        <translation>
            <numerusform>der Mandant; gilt auch für %n Untermandanten</numerusform>
            <numerusform>der Mandant; gilt auch für %n Untermandanten</numerusform>
        </translation>
    </message>
    <message>
        <source>the tenant (no sub-tenants)</source>
        <translation>der Mandant (keine Untermandanten)</translation>
    </message>
    <message>
        <source>New User</source>
        <translation>Neuer Benutzer</translation>
    </message>
    <message>
        <source>Edit User</source>
        <translation>Benutzer bearbeiten</translation>
    </message>
    <message>
        <source>Display &amp;name:</source>
        <translation>Anzeige&amp;name:</translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>&amp;E-Mail:</translation>
    </message>
    <message>
        <source>Only the changes a user&apos;s status allows are offered</source>
        <translation>Nur die Änderungen, die der Status eines Benutzers erlaubt, werden angeboten</translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation>&amp;Status:</translation>
    </message>
    <message>
        <source>Last sign-in:</source>
        <translation>Letzte Anmeldung:</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>Angelegt:</translation>
    </message>
    <message>
        <source>Memberships (added and removed at once)</source>
        <translation>Mitgliedschaften (sofort hinzugefügt und entfernt)</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Applies to</source>
        <translation>Gilt für</translation>
    </message>
    <message>
        <source>&amp;Add Membership…</source>
        <translation>Mitgliedschaft &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Remove Membership</source>
        <translation>Mitgliedschaft &amp;entfernen</translation>
    </message>
    <message>
        <source>Remove Membership</source>
        <translation>Mitgliedschaft entfernen</translation>
    </message>
    <message>
        <source>Take the role %1 on %2 away from %3?</source>
        <translation>Die Rolle %1 auf %2 von %3 entziehen?</translation>
    </message>
    <message>
        <source>Give a &amp;first membership</source>
        <translation>Eine &amp;erste Mitgliedschaft geben</translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation>&amp;Anlegen</translation>
    </message>
    <message>
        <source>Edit User — %1</source>
        <translation>Benutzer bearbeiten — %1</translation>
    </message>
    <message>
        <source>Platform principal: %1</source>
        <translation>Plattform-Prinzipal: %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>%1 (unchanged)</source>
        <translation>%1 (unverändert)</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>whole tenant</source>
        <translation>ganzer Mandant</translation>
    </message>
    <message>
        <source>Memberships: none (added and removed at once)</source>
        <translation>Mitgliedschaften: keine (sofort hinzugefügt und entfernt)</translation>
    </message>
    <message numerus="yes">
        <source>Memberships: %n (added and removed at once)</source>
        <translation>
            <numerusform>Mitgliedschaften: %n (sofort hinzugefügt und entfernt)</numerusform>
            <numerusform>Mitgliedschaften: %n (sofort hinzugefügt und entfernt)</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a tenant and a role for the first membership, or leave it out.</source>
        <translation>Wählen Sie einen Mandanten und eine Rolle für die erste Mitgliedschaft, oder lassen Sie sie weg.</translation>
    </message>
    <message>
        <source>Add Membership — %1</source>
        <translation>Mitgliedschaft hinzufügen — %1</translation>
    </message>
    <message>
        <source>A role on a whole tenant also applies to its sub-tenants.</source>
        <translation>Eine Rolle auf einem ganzen Mandanten gilt auch für seine Untermandanten.</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>Give %1 the role %2 on %3</source>
        <translation>%1 die Rolle %2 auf %3 geben</translation>
    </message>
    <message>
        <source>Take the role %1 on %2 from %3</source>
        <translation>Die Rolle %1 auf %2 von %3 entziehen</translation>
    </message>
    <message>
        <source>Memberships</source>
        <translation>Mitgliedschaften</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserMerger</name>
    <message>
        <source>%1 is named “%2” here but “%3” at %4.</source>
        <translation>%1 heißt hier „%2“, aber „%3“ unter %4.</translation>
    </message>
    <message>
        <source>%1 is %2 here but %3 at %4.</source>
        <translation>%1 ist hier %2, aber %3 unter %4.</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserTableModel</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>%1
Platform principal: %2</source>
        <translation>%1
Plattform-Prinzipal: %2</translation>
    </message>
    <message>
        <source>Never signed in</source>
        <translation>Nie angemeldet</translation>
    </message>
    <message>
        <source>Click to sort every user by this column (the store sorts, not only the rows shown)</source>
        <translation>Klicken, um alle Benutzer nach dieser Spalte zu sortieren (der Speicher sortiert, nicht nur die angezeigten Zeilen)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation>Letzte Anmeldung</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsersPage</name>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>User actions</source>
        <translation>Benutzeraktionen</translation>
    </message>
    <message>
        <source>Users error</source>
        <translation>Fehler bei den Benutzern</translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Retry reading the users</source>
        <translation>Die Benutzer erneut lesen</translation>
    </message>
    <message>
        <source>Users status</source>
        <translation>Status der Benutzer</translation>
    </message>
    <message>
        <source>Could not read the users: %1</source>
        <translation>Die Benutzer konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>&amp;New User…</source>
        <translation>&amp;Neuer Benutzer…</translation>
    </message>
    <message>
        <source>Create a user, invited, with a first membership (Ctrl+N)</source>
        <translation>Einen Benutzer anlegen, eingeladen, mit einer ersten Mitgliedschaft (Strg+N)</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Bearbeiten…</translation>
    </message>
    <message>
        <source>Edit the user&apos;s profile, status and memberships (Enter)</source>
        <translation>Profil, Status und Mitgliedschaften des Benutzers bearbeiten (Eingabe)</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>&amp;Deaktivieren</translation>
    </message>
    <message>
        <source>Disable the selected users: they can no longer sign in</source>
        <translation>Die gewählten Benutzer deaktivieren: Sie können sich nicht mehr anmelden</translation>
    </message>
    <message>
        <source>E&amp;nable</source>
        <translation>&amp;Aktivieren</translation>
    </message>
    <message>
        <source>Make the selected users active</source>
        <translation>Die gewählten Benutzer aktivieren</translation>
    </message>
    <message>
        <source>&amp;Assign Role…</source>
        <translation>Rolle &amp;zuweisen…</translation>
    </message>
    <message>
        <source>Give the selected users a role on a tenant or environment</source>
        <translation>Den gewählten Benutzern eine Rolle auf einem Mandanten oder einer Umgebung geben</translation>
    </message>
    <message>
        <source>&amp;Remove Role…</source>
        <translation>Rolle &amp;entziehen…</translation>
    </message>
    <message>
        <source>Take a role on a tenant or environment away from the selected users</source>
        <translation>Den gewählten Benutzern eine Rolle auf einem Mandanten oder einer Umgebung entziehen</translation>
    </message>
    <message>
        <source>&amp;Move to…</source>
        <translation>&amp;Verschieben nach…</translation>
    </message>
    <message>
        <source>Move the selected users&apos; memberships from one tenant or environment to another</source>
        <translation>Die Mitgliedschaften der gewählten Benutzer von einem Mandanten oder einer Umgebung zu einer anderen verschieben</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>Import users from CSV, JSON or a Keycloak realm export, previewed and checked first (Ctrl+I)</source>
        <translation>Benutzer aus CSV, JSON oder einem Keycloak-Realm-Export importieren, zuerst in der Vorschau geprüft (Strg+I)</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Write the users matching the filters, with their memberships, as CSV or JSON (Ctrl+Shift+E)</source>
        <translation>Die zu den Filtern passenden Benutzer mit ihren Mitgliedschaften als CSV oder JSON schreiben (Strg+Umschalt+E)</translation>
    </message>
    <message>
        <source>Effective &amp;Permissions…</source>
        <translation>Effektive Be&amp;rechtigungen…</translation>
    </message>
    <message>
        <source>What the selected user may do on a tenant, and which membership and role grants each permission</source>
        <translation>Was der gewählte Benutzer auf einem Mandanten tun darf und welche Mitgliedschaft und Rolle jede Berechtigung gewährt</translation>
    </message>
    <message>
        <source>Search users by name or e-mail</source>
        <translation>Benutzer nach Name oder E-Mail-Adresse suchen</translation>
    </message>
    <message>
        <source>Search by name or e-mail (Ctrl+F)</source>
        <translation>Nach Name oder E-Mail-Adresse suchen (Strg+F)</translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation>&amp;Suchen:</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Filter nach Status</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Beliebiger Status</translation>
    </message>
    <message>
        <source>S&amp;tatus:</source>
        <translation>S&amp;tatus:</translation>
    </message>
    <message>
        <source>Tenant slug filter</source>
        <translation>Filter nach Mandantenkürzel</translation>
    </message>
    <message>
        <source>Any tenant (slug)</source>
        <translation>Beliebiger Mandant (Kürzel)</translation>
    </message>
    <message>
        <source>This te&amp;nant</source>
        <translation>Dieser Ma&amp;ndant</translation>
    </message>
    <message>
        <source>Only the tenant the page was opened for</source>
        <translation>Nur der Mandant, für den die Seite geöffnet wurde</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>&amp;Mandant:</translation>
    </message>
    <message>
        <source>Environment filter</source>
        <translation>Filter nach Umgebung</translation>
    </message>
    <message>
        <source>Any environment</source>
        <translation>Beliebige Umgebung</translation>
    </message>
    <message>
        <source>Choose a tenant first</source>
        <translation>Wählen Sie zuerst einen Mandanten</translation>
    </message>
    <message>
        <source>En&amp;vironment:</source>
        <translation>&amp;Umgebung:</translation>
    </message>
    <message>
        <source>Role filter</source>
        <translation>Filter nach Rolle</translation>
    </message>
    <message>
        <source>Any role</source>
        <translation>Beliebige Rolle</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rolle:</translation>
    </message>
    <message>
        <source>This te&amp;nant (%1)</source>
        <translation>Dieser Ma&amp;ndant (%1)</translation>
    </message>
    <message>
        <source>Users of %1</source>
        <translation>Benutzer von %1</translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation>Kein Mandant hat das Kürzel „%1“.</translation>
    </message>
    <message>
        <source>%1 (custom)</source>
        <translation>%1 (eigene)</translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation>Keine Datenbank geöffnet.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown; loading more…</source>
        <translation>
            <numerusform>%n Benutzer angezeigt; weitere werden geladen…</numerusform>
            <numerusform>%n Benutzer angezeigt; weitere werden geladen…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown; the rest could not be read.</source>
        <translation>
            <numerusform>%n Benutzer angezeigt; der Rest konnte nicht gelesen werden.</numerusform>
            <numerusform>%n Benutzer angezeigt; der Rest konnte nicht gelesen werden.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown (&lt;a href=&quot;more&quot;&gt;more…&lt;/a&gt;)</source>
        <translation>
            <numerusform>%n Benutzer angezeigt (&lt;a href=&quot;more&quot;&gt;mehr…&lt;/a&gt;)</numerusform>
            <numerusform>%n Benutzer angezeigt (&lt;a href=&quot;more&quot;&gt;mehr…&lt;/a&gt;)</numerusform>
        </translation>
    </message>
    <message>
        <source>No users match the filters.</source>
        <translation>Keine Benutzer passen zu den Filtern.</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s).</source>
        <translation>
            <numerusform>%n Benutzer.</numerusform>
            <numerusform>%n Benutzer.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n selected.</source>
        <translation>
            <numerusform>%n ausgewählt.</numerusform>
            <numerusform>%n ausgewählt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1 gespeichert.</translation>
    </message>
    <message>
        <source>Created %1 (%2), %3.</source>
        <translation>%1 (%2) angelegt, %3.</translation>
    </message>
    <message numerus="yes">
        <source>Imported: %n new user(s), %1 membership(s).</source>
        <translation>
            <numerusform>Importiert: %n neuer Benutzer, %1 Mitgliedschaft(en).</numerusform>
            <numerusform>Importiert: %n neue Benutzer, %1 Mitgliedschaft(en).</numerusform>
        </translation>
    </message>
    <message>
        <source>tenant %1</source>
        <translation>Mandant %1</translation>
    </message>
    <message>
        <source>environment %1</source>
        <translation>Umgebung %1</translation>
    </message>
    <message>
        <source>role %1</source>
        <translation>Rolle %1</translation>
    </message>
    <message>
        <source>status %1</source>
        <translation>Status %1</translation>
    </message>
    <message>
        <source>name or e-mail containing “%1”</source>
        <translation>Name oder E-Mail-Adresse enthält „%1“</translation>
    </message>
    <message>
        <source>every user</source>
        <translation>alle Benutzer</translation>
    </message>
    <message>
        <source>Assign Role</source>
        <translation>Rolle zuweisen</translation>
    </message>
    <message>
        <source>Remove Role</source>
        <translation>Rolle entziehen</translation>
    </message>
    <message numerus="yes">
        <source>Give %n selected user(s) a role on:</source>
        <translation>
            <numerusform>%n gewähltem Benutzer eine Rolle geben auf:</numerusform>
            <numerusform>%n gewählten Benutzern eine Rolle geben auf:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Take a role away from %n selected user(s) on:</source>
        <translation>
            <numerusform>%n gewähltem Benutzer eine Rolle entziehen auf:</numerusform>
            <numerusform>%n gewählten Benutzern eine Rolle entziehen auf:</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Assign</source>
        <translation>&amp;Zuweisen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entziehen</translation>
    </message>
    <message>
        <source>Move Users</source>
        <translation>Benutzer verschieben</translation>
    </message>
    <message numerus="yes">
        <source>Move the memberships of %n selected user(s), roles kept. Users with no membership where they are moved from are left as they are.</source>
        <translation>
            <numerusform>Die Mitgliedschaften von %n gewähltem Benutzer verschieben, Rollen bleiben. Benutzer ohne Mitgliedschaft am Ausgangsort bleiben, wie sie sind.</numerusform>
            <numerusform>Die Mitgliedschaften von %n gewählten Benutzern verschieben, Rollen bleiben. Benutzer ohne Mitgliedschaft am Ausgangsort bleiben, wie sie sind.</numerusform>
        </translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Nach</translation>
    </message>
    <message>
        <source>&amp;Move</source>
        <translation>&amp;Verschieben</translation>
    </message>
    <message>
        <source>Disable Users</source>
        <translation>Benutzer deaktivieren</translation>
    </message>
    <message numerus="yes">
        <source>Disable %n user(s)? They can no longer sign in.</source>
        <translation>
            <numerusform>%n Benutzer deaktivieren? Er kann sich nicht mehr anmelden.</numerusform>
            <numerusform>%n Benutzer deaktivieren? Sie können sich nicht mehr anmelden.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Take the role away from %n user(s)?</source>
        <translation>
            <numerusform>Die Rolle %n Benutzer entziehen?</numerusform>
            <numerusform>Die Rolle %n Benutzern entziehen?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move the memberships of %n user(s)?</source>
        <translation>
            <numerusform>Die Mitgliedschaften von %n Benutzer verschieben?</numerusform>
            <numerusform>Die Mitgliedschaften von %n Benutzern verschieben?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Changing %n user(s)…</source>
        <translation>
            <numerusform>%n Benutzer wird geändert…</numerusform>
            <numerusform>%n Benutzer werden geändert…</numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancelled: nothing was changed.</source>
        <translation>Abgebrochen: Es wurde nichts geändert.</translation>
    </message>
    <message>
        <source>Nothing was changed: %1</source>
        <translation>Es wurde nichts geändert: %1</translation>
    </message>
    <message numerus="yes">
        <source>Disable %n user(s)</source>
        <translation>
            <numerusform>%n Benutzer deaktivieren</numerusform>
            <numerusform>%n Benutzer deaktivieren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enable %n user(s)</source>
        <translation>
            <numerusform>%n Benutzer aktivieren</numerusform>
            <numerusform>%n Benutzer aktivieren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Invite %n user(s) again</source>
        <translation>
            <numerusform>%n Benutzer erneut einladen</numerusform>
            <numerusform>%n Benutzer erneut einladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Assign %1 to %n user(s)</source>
        <translation>
            <numerusform>%1 an %n Benutzer zuweisen</numerusform>
            <numerusform>%1 an %n Benutzer zuweisen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %1 from %n user(s)</source>
        <translation>
            <numerusform>%1 von %n Benutzer entfernen</numerusform>
            <numerusform>%1 von %n Benutzern entfernen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n user(s)</source>
        <translation>
            <numerusform>%n Benutzer verschieben</numerusform>
            <numerusform>%n Benutzer verschieben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restore the status of %n user(s)</source>
        <translation>
            <numerusform>Den Status von %n Benutzer wiederherstellen</numerusform>
            <numerusform>Den Status von %n Benutzern wiederherstellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Disabled %n user(s)</source>
        <translation>
            <numerusform>%n Benutzer deaktiviert</numerusform>
            <numerusform>%n Benutzer deaktiviert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already disabled</source>
        <translation>
            <numerusform>%n bereits deaktiviert</numerusform>
            <numerusform>%n bereits deaktiviert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enabled %n user(s)</source>
        <translation>
            <numerusform>%n Benutzer aktiviert</numerusform>
            <numerusform>%n Benutzer aktiviert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already active</source>
        <translation>
            <numerusform>%n bereits aktiv</numerusform>
            <numerusform>%n bereits aktiv</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Invited %n user(s) again</source>
        <translation>
            <numerusform>%n Benutzer erneut eingeladen</numerusform>
            <numerusform>%n Benutzer erneut eingeladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already invited</source>
        <translation>
            <numerusform>%n bereits eingeladen</numerusform>
            <numerusform>%n bereits eingeladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restored the status of %n user(s)</source>
        <translation>
            <numerusform>Status von %n Benutzer wiederhergestellt</numerusform>
            <numerusform>Status von %n Benutzern wiederhergestellt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unchanged</source>
        <translation>
            <numerusform>%n unverändert</numerusform>
            <numerusform>%n unverändert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Gave %n user(s) the role %1 on %2</source>
        <translation>
            <numerusform>%n Benutzer die Rolle %1 auf %2 gegeben</numerusform>
            <numerusform>%n Benutzern die Rolle %1 auf %2 gegeben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already held it</source>
        <translation>
            <numerusform>%n hatte sie bereits</numerusform>
            <numerusform>%n hatten sie bereits</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Took the role %1 on %2 from %n user(s)</source>
        <translation>
            <numerusform>Die Rolle %1 auf %2 %n Benutzer entzogen</numerusform>
            <numerusform>Die Rolle %1 auf %2 %n Benutzern entzogen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n did not hold it</source>
        <translation>
            <numerusform>%n hatte sie nicht</numerusform>
            <numerusform>%n hatten sie nicht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n user(s) from %1 to %2</source>
        <translation>
            <numerusform>%n Benutzer von %1 nach %2 verschoben</numerusform>
            <numerusform>%n Benutzer von %1 nach %2 verschoben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had no membership there</source>
        <translation>
            <numerusform>%n hatte dort keine Mitgliedschaft</numerusform>
            <numerusform>%n hatten dort keine Mitgliedschaft</numerusform>
        </translation>
    </message>
    <message>
        <source>%1; %2.</source>
        <translation>%1; %2.</translation>
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
        <translation>Willkommen bei TenantDesk</translation>
    </message>
    <message>
        <source>Administer the tenants of a multi-tenant platform: their sub-tenants and environments, users and roles, usage and billing. Start with the demo platform, a new empty database, a database file you have, or a TenantDesk server.</source>
        <translation>Verwalten Sie die Mandanten einer mandantenfähigen Plattform: ihre Untermandanten und Umgebungen, Benutzer und Rollen, Nutzung und Abrechnung. Beginnen Sie mit der Demoplattform, einer neuen leeren Datenbank, einer vorhandenen Datenbankdatei oder einem TenantDesk-Server.</translation>
    </message>
    <message>
        <source>Recent databases:</source>
        <translation>Zuletzt verwendete Datenbanken:</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Open the &amp;demo platform</source>
        <translation>&amp;Demoplattform öffnen</translation>
    </message>
    <message>
        <source>&amp;New empty database…</source>
        <translation>&amp;Neue leere Datenbank…</translation>
    </message>
    <message>
        <source>&amp;Open a database file…</source>
        <translation>Datenbankdatei ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>&amp;Connect to a server…</source>
        <translation>Mit einem &amp;Server verbinden…</translation>
    </message>
    <message>
        <source>Recent databases</source>
        <translation>Zuletzt geöffnete Datenbanken</translation>
    </message>
</context>
<context>
    <name>TenantStatus</name>
    <message>
        <source>Requested</source>
        <translation>Beantragt</translation>
    </message>
    <message>
        <source>Provisioning</source>
        <translation>Wird bereitgestellt</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Decommissioning</source>
        <translation>Wird außer Betrieb genommen</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>Archiviert</translation>
    </message>
</context>
<context>
    <name>User</name>
    <message>
        <source>Invited</source>
        <translation>Eingeladen</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
</context>
<context>
    <name>UserAdmin</name>
    <message>
        <source>an e-mail address is required.</source>
        <translation>Eine E-Mail-Adresse ist erforderlich.</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address (no surrounding spaces, at most 254 characters).</source>
        <translation>„%1“ ist keine E-Mail-Adresse (keine Leerzeichen davor oder danach, höchstens 254 Zeichen).</translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address (expected name@example.com).</source>
        <translation>„%1“ ist keine E-Mail-Adresse (erwartet name@example.com).</translation>
    </message>
    <message>
        <source>a name is required.</source>
        <translation>Ein Name ist erforderlich.</translation>
    </message>
    <message>
        <source>at most 200 characters.</source>
        <translation>Höchstens 200 Zeichen.</translation>
    </message>
    <message>
        <source>a role needs a name.</source>
        <translation>Eine Rolle braucht einen Namen.</translation>
    </message>
    <message>
        <source>no spaces before or after the name.</source>
        <translation>Keine Leerzeichen vor oder nach dem Namen.</translation>
    </message>
    <message>
        <source>at most 100 characters.</source>
        <translation>Höchstens 100 Zeichen.</translation>
    </message>
</context>
<context>
    <name>httplib</name>
    <message>
        <source>There is no such resource.</source>
        <translation>Diese Ressource gibt es nicht.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Administer the tenants of a multi-tenant platform.</source>
        <translation>Die Mandanten einer mandantenfähigen Plattform verwalten.</translation>
    </message>
    <message>
        <source>Open the demo platform (generated on first use).</source>
        <translation>Die Demoplattform öffnen (beim ersten Mal erzeugt).</translation>
    </message>
    <message>
        <source>Open the TenantDesk database file &lt;path&gt;.</source>
        <translation>Die TenantDesk-Datenbankdatei &lt;path&gt; öffnen.</translation>
    </message>
    <message>
        <source>Connect to the TenantDesk server at &lt;url&gt; (asks for the password).</source>
        <translation>Mit dem TenantDesk-Server unter &lt;url&gt; verbinden (fragt nach dem Passwort).</translation>
    </message>
    <message>
        <source>With --server: sign in as &lt;email&gt;.</source>
        <translation>Mit --server: als &lt;email&gt; anmelden.</translation>
    </message>
    <message>
        <source>A TenantDesk database file to open, as with --database.</source>
        <translation>Eine zu öffnende TenantDesk-Datenbankdatei, wie mit --database.</translation>
    </message>
    <message>
        <source>tenantdesk: unexpected argument “%1”; one database file at a time, see --help.</source>
        <translation>tenantdesk: unerwartetes Argument „%1“; eine Datenbankdatei auf einmal, siehe --help.</translation>
    </message>
    <message>
        <source>tenantdesk: choose one of --demo, --database, --server and a database file.</source>
        <translation>tenantdesk: Wählen Sie eines von --demo, --database, --server und einer Datenbankdatei.</translation>
    </message>
    <message>
        <source>tenantdesk: --email goes with --server.</source>
        <translation>tenantdesk: --email gehört zu --server.</translation>
    </message>
    <message>
        <source>Read branding packs from &lt;dir&gt;/&lt;tenant slug&gt;/ first (see docs/BRANDING.md).</source>
        <translation>Markenpakete zuerst aus &lt;dir&gt;/&lt;tenant slug&gt;/ lesen (siehe docs/BRANDING.md).</translation>
    </message>
    <message>
        <source>tenantdesk: --branding-dir: “%1” is not a folder.</source>
        <translation>tenantdesk: --branding-dir: „%1“ ist kein Ordner.</translation>
    </message>
</context>
<context>
    <name>std</name>
    <message>
        <source>The certificate you trusted for %1 is no longer valid.</source>
        <translation>Das Zertifikat, dem Sie für %1 vertraut haben, ist nicht mehr gültig.</translation>
    </message>
    <message>
        <source>The server %1 presented a certificate that is not trusted. Its SHA-256 fingerprint is %2.</source>
        <translation>Der Server %1 hat ein nicht vertrauenswürdiges Zertifikat vorgelegt. Sein SHA-256-Fingerabdruck ist %2.</translation>
    </message>
    <message>
        <source>The server %1 presented a different certificate from the one you trusted (SHA-256 %2): it may have been renewed, or someone may be intercepting the connection.</source>
        <translation>Der Server %1 hat ein anderes Zertifikat vorgelegt als das, dem Sie vertraut haben (SHA-256 %2): Es wurde vielleicht erneuert, oder jemand fängt die Verbindung ab.</translation>
    </message>
    <message>
        <source>Your session on %1 has ended; sign in again.</source>
        <translation>Ihre Sitzung auf %1 ist beendet; melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The e-mail address or password is not right.</source>
        <translation>Die E-Mail-Adresse oder das Passwort stimmt nicht.</translation>
    </message>
    <message>
        <source>You may not do this on %1.</source>
        <translation>Sie dürfen dies auf %1 nicht tun.</translation>
    </message>
    <message>
        <source>The server has no such object.</source>
        <translation>Der Server hat kein solches Objekt.</translation>
    </message>
    <message>
        <source>Someone else changed this since you read it; compare and try again.</source>
        <translation>Jemand anderes hat dies seit Ihrem Lesen geändert; vergleichen Sie und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The server refused the request as malformed.</source>
        <translation>Der Server hat die Anfrage als fehlerhaft abgelehnt.</translation>
    </message>
    <message>
        <source>The server asked for a version check that TenantDesk did not send.</source>
        <translation>Der Server verlangte eine Versionsprüfung, die TenantDesk nicht gesendet hat.</translation>
    </message>
    <message numerus="yes">
        <source>The server is busy; try again in %n second(s).</source>
        <translation>
            <numerusform>Der Server ist ausgelastet; versuchen Sie es in %n Sekunde(n) erneut.</numerusform>
            <numerusform>Der Server ist ausgelastet; versuchen Sie es in %n Sekunde(n) erneut.</numerusform>
        </translation>
    </message>
    <message>
        <source>The server is busy; try again in a moment.</source>
        <translation>Der Server ist ausgelastet; versuchen Sie es gleich erneut.</translation>
    </message>
    <message>
        <source>The server sent TenantDesk elsewhere (%1); connect to that address instead.</source>
        <translation>Der Server hat TenantDesk anderswohin verwiesen (%1); verbinden Sie sich stattdessen mit dieser Adresse.</translation>
    </message>
    <message numerus="yes">
        <source>The server %1 is not available; try again in %n second(s).</source>
        <translation>
            <numerusform>Der Server %1 ist nicht verfügbar; versuchen Sie es in %n Sekunde(n) erneut.</numerusform>
            <numerusform>Der Server %1 ist nicht verfügbar; versuchen Sie es in %n Sekunde(n) erneut.</numerusform>
        </translation>
    </message>
    <message>
        <source>The server %1 is not available; try again later.</source>
        <translation>Der Server %1 ist nicht verfügbar; versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP %1).</source>
        <translation>Der Server hat die Anfrage abgelehnt (HTTP %1).</translation>
    </message>
</context>
<context>
    <name>tenantctl</name>
    <message>
        <source>fill a new database with demo data</source>
        <translation>eine neue Datenbank mit Demodaten füllen</translation>
    </message>
    <message>
        <source>list the top-level tenants or a tenant&apos;s sub-tenants</source>
        <translation>die Mandanten der obersten Ebene oder die Untermandanten eines Mandanten auflisten</translation>
    </message>
    <message>
        <source>show one tenant</source>
        <translation>einen Mandanten anzeigen</translation>
    </message>
    <message>
        <source>create a tenant (requested) with one environment of each kind named</source>
        <translation>einen Mandanten anlegen (beantragt) mit je einer Umgebung jeder genannten Art</translation>
    </message>
    <message>
        <source>change a tenant in one versioned edit; policy keys: password_min_length,
password_classes, mfa_required, session_timeout_minutes, ip_allow_list=CIDR,CIDR
(KEY= with no value removes a key)</source>
        <translation>einen Mandanten in einer versionierten Bearbeitung ändern; Richtlinienschlüssel: password_min_length,
password_classes, mfa_required, session_timeout_minutes, ip_allow_list=CIDR,CIDR
(SCHLÜSSEL= ohne Wert entfernt einen Schlüssel)</translation>
    </message>
    <message>
        <source>move a tenant and its sub-tree under another parent</source>
        <translation>einen Mandanten mit seinem Teilbaum unter einen anderen übergeordneten verschieben</translation>
    </message>
    <message>
        <source>requested → provisioning</source>
        <translation>beantragt → wird bereitgestellt</translation>
    </message>
    <message>
        <source>provisioning → active</source>
        <translation>wird bereitgestellt → aktiv</translation>
    </message>
    <message>
        <source>active → suspended</source>
        <translation>aktiv → gesperrt</translation>
    </message>
    <message>
        <source>suspended → active</source>
        <translation>gesperrt → aktiv</translation>
    </message>
    <message>
        <source>retire a suspended tenant: back it up to FILE, work through the checklist,
delete its data (only with --confirm SLUG) and archive it; run again to continue</source>
        <translation>einen gesperrten Mandanten stilllegen: nach DATEI sichern, die Checkliste abarbeiten,
seine Daten löschen (nur mit --confirm KÜRZEL) und ihn archivieren; erneut ausführen zum Fortsetzen</translation>
    </message>
    <message>
        <source>restore a backup, suspended: over its archived tenant, or as a new one</source>
        <translation>eine Sicherung gesperrt wiederherstellen: über ihren archivierten Mandanten oder als neuen</translation>
    </message>
    <message>
        <source>delete a requested or archived tenant</source>
        <translation>einen beantragten oder archivierten Mandanten löschen</translation>
    </message>
    <message>
        <source>a tenant&apos;s environments</source>
        <translation>die Umgebungen eines Mandanten</translation>
    </message>
    <message>
        <source>add an environment (production, staging, development or sandbox)</source>
        <translation>eine Umgebung hinzufügen (production, staging, development oder sandbox)</translation>
    </message>
    <message>
        <source>rename an environment</source>
        <translation>eine Umgebung umbenennen</translation>
    </message>
    <message>
        <source>change an environment&apos;s settings (numbers and true/false are read as such)</source>
        <translation>die Einstellungen einer Umgebung ändern (Zahlen und true/false werden als solche gelesen)</translation>
    </message>
    <message>
        <source>remove an environment and the memberships held on it</source>
        <translation>eine Umgebung mit den Mitgliedschaften auf ihr entfernen</translation>
    </message>
    <message>
        <source>copy settings from one environment to another (--all: make the target&apos;s
settings the source&apos;s); --dry-run shows the differences and changes nothing</source>
        <translation>Einstellungen von einer Umgebung in eine andere kopieren (--all: die Einstellungen des Ziels
werden die der Quelle); --dry-run zeigt die Unterschiede und ändert nichts</translation>
    </message>
    <message>
        <source>users, the first 100 by name unless --limit or --all; --tenant: members of the
tenant or its environments; --search: in the name or e-mail address</source>
        <translation>Benutzer, die ersten 100 nach Name, außer mit --limit oder --all; --tenant: Mitglieder des
Mandanten oder seiner Umgebungen; --search: im Namen oder in der E-Mail-Adresse</translation>
    </message>
    <message>
        <source>one user: profile, platform roles, memberships and what they also apply to</source>
        <translation>ein Benutzer: Profil, Plattformrollen, Mitgliedschaften und wofür sie außerdem gelten</translation>
    </message>
    <message>
        <source>create a user (invited unless --status active), with a first membership</source>
        <translation>einen Benutzer anlegen (eingeladen, außer mit --status active), mit einer ersten Mitgliedschaft</translation>
    </message>
    <message>
        <source>change a user&apos;s name, e-mail address or status in one versioned edit</source>
        <translation>Name, E-Mail-Adresse oder Status eines Benutzers in einer versionierten Bearbeitung ändern</translation>
    </message>
    <message>
        <source>disable users, all in one change or none</source>
        <translation>Benutzer deaktivieren, alle in einer Änderung oder keinen</translation>
    </message>
    <message>
        <source>make users active again, all in one change or none</source>
        <translation>Benutzer wieder aktivieren, alle in einer Änderung oder keinen</translation>
    </message>
    <message>
        <source>grant users a role on a tenant or one of its environments</source>
        <translation>Benutzern eine Rolle auf einem Mandanten oder einer seiner Umgebungen zuweisen</translation>
    </message>
    <message>
        <source>take a role on a tenant or environment away from users</source>
        <translation>Benutzern eine Rolle auf einem Mandanten oder einer Umgebung entziehen</translation>
    </message>
    <message>
        <source>move users&apos; memberships to another tenant or environment, roles kept;
one user that cannot move stops them all</source>
        <translation>die Mitgliedschaften von Benutzern zu einem anderen Mandanten oder einer anderen Umgebung verschieben, Rollen bleiben;
ein Benutzer, der nicht verschoben werden kann, hält alle auf</translation>
    </message>
    <message>
        <source>a user&apos;s effective permissions on a tenant, each with the memberships and
roles that grant it</source>
        <translation>die effektiven Berechtigungen eines Benutzers auf einem Mandanten, jede mit den Mitgliedschaften
und Rollen, die sie gewähren</translation>
    </message>
    <message>
        <source>the built-in roles, and the custom roles usable on a tenant</source>
        <translation>die integrierten Rollen und die auf einem Mandanten verwendbaren eigenen Rollen</translation>
    </message>
    <message>
        <source>create a custom role of a tenant; --include makes it composite</source>
        <translation>eine eigene Rolle eines Mandanten anlegen; --include macht sie zusammengesetzt</translation>
    </message>
    <message>
        <source>change a custom role; --permission and --include replace the lists</source>
        <translation>eine eigene Rolle ändern; --permission und --include ersetzen die Listen</translation>
    </message>
    <message>
        <source>delete a custom role that nobody holds and no role includes</source>
        <translation>eine eigene Rolle löschen, die niemand innehat und keine Rolle enthält</translation>
    </message>
    <message>
        <source>grant a role to users on a tenant or one of its environments</source>
        <translation>Benutzern eine Rolle auf einem Mandanten oder einer seiner Umgebungen zuweisen</translation>
    </message>
    <message>
        <source>import users and memberships from CSV (email, display_name, status, tenant,
environment, role); rows without a tenant go to --tenant</source>
        <translation>Benutzer und Mitgliedschaften aus CSV importieren (email, display_name, status, tenant,
environment, role); Zeilen ohne Mandant gehen an --tenant</translation>
    </message>
    <message>
        <source>import users and memberships from JSON; each problem is named by line and
field, and nothing is written while any remains; --dry-run checks only</source>
        <translation>Benutzer und Mitgliedschaften aus JSON importieren; jedes Problem wird mit Zeile und
Feld genannt, und solange eines besteht, wird nichts geschrieben; --dry-run prüft nur</translation>
    </message>
    <message>
        <source>import a Keycloak realm export (a file, or a folder from kc.sh export) as a
new tenant per realm, with a report of what was mapped and skipped</source>
        <translation>einen Keycloak-Realm-Export (eine Datei oder einen Ordner aus kc.sh export) als
neuen Mandanten je Realm importieren, mit einem Bericht, was abgebildet und übersprungen wurde</translation>
    </message>
    <message>
        <source>users and their memberships as CSV, as import csv reads them</source>
        <translation>Benutzer und ihre Mitgliedschaften als CSV, wie import csv sie liest</translation>
    </message>
    <message>
        <source>users and their memberships as JSON, as import json reads them</source>
        <translation>Benutzer und ihre Mitgliedschaften als JSON, wie import json sie liest</translation>
    </message>
    <message>
        <source>the newest audit events (50 unless --limit); --action takes an action or
a prefix ending in “.” (tenant.); times are ISO 8601, UTC unless an offset is given</source>
        <translation>die neuesten Prüfereignisse (50, außer mit --limit); --action nimmt eine Aktion oder
ein auf „.“ endendes Präfix (tenant.); Zeiten nach ISO 8601, UTC, außer ein Versatz ist angegeben</translation>
    </message>
    <message>
        <source>check the audit trail&apos;s hash chains; exit status 1 names the first broken link</source>
        <translation>die Hash-Ketten des Prüfprotokolls prüfen; Exit-Status 1 nennt das erste gebrochene Glied</translation>
    </message>
    <message>
        <source>the billing review as a report: totals by tenant, service and month, month over
month, budgets, and in the PDF a chart; --output takes its format from the suffix</source>
        <translation>die Abrechnungsprüfung als Bericht: Summen nach Mandant, Dienst und Monat, Monatsvergleich,
Budgets und im PDF ein Diagramm; --output entnimmt sein Format der Endung</translation>
    </message>
    <message>
        <source>The TenantDesk database: a file, sqlite:FILE or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation>Die TenantDesk-Datenbank: eine Datei, sqlite:DATEI oder postgresql://BENUTZER@HOST:PORT/DATENBANK.</translation>
    </message>
    <message>
        <source>Print JSON instead of text.</source>
        <translation>JSON statt Text ausgeben.</translation>
    </message>
    <message>
        <source>With demo: “small” or a number of tenants.</source>
        <translation>Mit demo: „small“ oder eine Anzahl Mandanten.</translation>
    </message>
    <message>
        <source>With demo: how many users (default: 300 for small, ten per tenant otherwise).</source>
        <translation>Mit demo: wie viele Benutzer (Standard: 300 für small, sonst zehn je Mandant).</translation>
    </message>
    <message>
        <source>With demo: days of hourly usage samples (default 90).</source>
        <translation>Mit demo: Tage stündlicher Nutzungswerte (Standard 90).</translation>
    </message>
    <message>
        <source>The parent tenant&apos;s slug.</source>
        <translation>Das Kürzel des übergeordneten Mandanten.</translation>
    </message>
    <message>
        <source>With tenants move and restore: at the top level.</source>
        <translation>Mit tenants move und restore: auf oberster Ebene.</translation>
    </message>
    <message>
        <source>A tenant&apos;s or user&apos;s display name; with roles update, the role&apos;s new name.</source>
        <translation>Anzeigename eines Mandanten oder Benutzers; mit roles update der neue Name der Rolle.</translation>
    </message>
    <message>
        <source>A tenant&apos;s domain (empty for none).</source>
        <translation>Die Domain eines Mandanten (leer für keine).</translation>
    </message>
    <message>
        <source>A tenant&apos;s IANA time zone (Europe/Berlin).</source>
        <translation>Die IANA-Zeitzone eines Mandanten (Europe/Berlin).</translation>
    </message>
    <message>
        <source>A tenant&apos;s language (de, en-GB).</source>
        <translation>Die Sprache eines Mandanten (de, en-GB).</translation>
    </message>
    <message>
        <source>With tenants create: the kinds of environment to create, comma-separated.</source>
        <translation>Mit tenants create: die anzulegenden Arten von Umgebungen, durch Kommas getrennt.</translation>
    </message>
    <message>
        <source>CPU cores quota, or none.</source>
        <translation>Kontingent an CPU-Kernen oder none.</translation>
    </message>
    <message>
        <source>Memory quota in GB, or none.</source>
        <translation>Arbeitsspeicherkontingent in GB oder none.</translation>
    </message>
    <message>
        <source>Storage quota in GB, or none.</source>
        <translation>Speicherplatzkontingent in GB oder none.</translation>
    </message>
    <message>
        <source>User seats quota, or none.</source>
        <translation>Kontingent an Benutzerplätzen oder none.</translation>
    </message>
    <message>
        <source>API requests per minute, or none.</source>
        <translation>API-Anfragen pro Minute oder none.</translation>
    </message>
    <message>
        <source>A feature flag: NAME=on, off or inherit.</source>
        <translation>Ein Funktionsschalter: NAME=on, off oder inherit.</translation>
    </message>
    <message>
        <source>A security policy field: KEY=VALUE (KEY= removes it).</source>
        <translation>Ein Feld der Sicherheitsrichtlinie: SCHLÜSSEL=WERT (SCHLÜSSEL= entfernt es).</translation>
    </message>
    <message>
        <source>A setting: KEY=VALUE.</source>
        <translation>Eine Einstellung: SCHLÜSSEL=WERT.</translation>
    </message>
    <message>
        <source>With tenants update: remove an integration setting.</source>
        <translation>Mit tenants update: eine Integrationseinstellung entfernen.</translation>
    </message>
    <message>
        <source>With tenants decommission: the backup file to write.</source>
        <translation>Mit tenants decommission: die zu schreibende Sicherungsdatei.</translation>
    </message>
    <message>
        <source>With tenants decommission: overwrite an existing backup file.</source>
        <translation>Mit tenants decommission: eine vorhandene Sicherungsdatei überschreiben.</translation>
    </message>
    <message>
        <source>With tenants decommission: how the users were told.</source>
        <translation>Mit tenants decommission: wie die Benutzer informiert wurden.</translation>
    </message>
    <message>
        <source>The slug (or environment or role name) typed again, to delete.</source>
        <translation>Das Kürzel (oder der Name der Umgebung oder Rolle) erneut eingegeben, zum Löschen.</translation>
    </message>
    <message>
        <source>With environments add: production, staging, development or sandbox.</source>
        <translation>Mit environments add: production, staging, development oder sandbox.</translation>
    </message>
    <message>
        <source>With environments set: remove a setting.</source>
        <translation>Mit environments set: eine Einstellung entfernen.</translation>
    </message>
    <message>
        <source>With environments promote: the settings, comma-separated.</source>
        <translation>Mit environments promote: die Einstellungen, durch Kommas getrennt.</translation>
    </message>
    <message>
        <source>With environments promote: every setting either environment has; with users list: every user that matches.</source>
        <translation>Mit environments promote: jede Einstellung, die eine der Umgebungen hat; mit users list: jeder passende Benutzer.</translation>
    </message>
    <message>
        <source>With environments promote: show the differences, change nothing; with import: check only, write nothing.</source>
        <translation>Mit environments promote: die Unterschiede zeigen, nichts ändern; mit import: nur prüfen, nichts schreiben.</translation>
    </message>
    <message>
        <source>With export: the file to write (default: standard output).</source>
        <translation>Mit export: die zu schreibende Datei (Standard: Standardausgabe).</translation>
    </message>
    <message>
        <source>A tenant&apos;s slug: with audit, only its events; with users and roles, the tenant they are members or roles of.</source>
        <translation>Das Kürzel eines Mandanten: mit audit nur seine Ereignisse; mit users und roles der Mandant, dessen Mitglieder oder Rollen sie sind.</translation>
    </message>
    <message>
        <source>With audit list: only this actor&apos;s events.</source>
        <translation>Mit audit list: nur die Ereignisse dieses Akteurs.</translation>
    </message>
    <message>
        <source>With audit list: this action, or a prefix ending in “.”.</source>
        <translation>Mit audit list: diese Aktion oder ein auf „.“ endendes Präfix.</translation>
    </message>
    <message>
        <source>With audit list: events at or after this time.</source>
        <translation>Mit audit list: Ereignisse zu oder nach diesem Zeitpunkt.</translation>
    </message>
    <message>
        <source>With audit list: events before this time.</source>
        <translation>Mit audit list: Ereignisse vor diesem Zeitpunkt.</translation>
    </message>
    <message>
        <source>With audit list: events whose object, actor or values contain this text.</source>
        <translation>Mit audit list: Ereignisse, deren Objekt, Akteur oder Werte diesen Text enthalten.</translation>
    </message>
    <message>
        <source>With audit list: how many events (default 50); with users list: how many users (default 100).</source>
        <translation>Mit audit list: wie viele Ereignisse (Standard 50); mit users list: wie viele Benutzer (Standard 100).</translation>
    </message>
    <message>
        <source>With users and roles: an environment of --tenant, by name.</source>
        <translation>Mit users und roles: eine Umgebung von --tenant, nach Name.</translation>
    </message>
    <message>
        <source>With users: a role, by name (built in, or a custom role of --tenant or its ancestors).</source>
        <translation>Mit users: eine Rolle, nach Name (integriert oder eine eigene Rolle von --tenant oder seinen Vorfahren).</translation>
    </message>
    <message>
        <source>With users: invited, active or disabled.</source>
        <translation>Mit users: invited, active oder disabled.</translation>
    </message>
    <message>
        <source>With users list: users whose name or e-mail address contains this text.</source>
        <translation>Mit users list: Benutzer, deren Name oder E-Mail-Adresse diesen Text enthält.</translation>
    </message>
    <message>
        <source>With users list: name, email, status, last-sign-in or created.</source>
        <translation>Mit users list: name, email, status, last-sign-in oder created.</translation>
    </message>
    <message>
        <source>With users list: sort in descending order.</source>
        <translation>Mit users list: absteigend sortieren.</translation>
    </message>
    <message>
        <source>With users update: the new e-mail address.</source>
        <translation>Mit users update: die neue E-Mail-Adresse.</translation>
    </message>
    <message>
        <source>With roles create: tenant (the default) or environment.</source>
        <translation>Mit roles create: tenant (Standard) oder environment.</translation>
    </message>
    <message>
        <source>With roles: a permission (resource.action), repeated or comma-separated; none for none.</source>
        <translation>Mit roles: eine Berechtigung (ressource.aktion), wiederholt oder durch Kommas getrennt; none für keine.</translation>
    </message>
    <message>
        <source>With roles: a role the role includes, repeated; none for none.</source>
        <translation>Mit roles: eine Rolle, die die Rolle enthält, wiederholt; none für keine.</translation>
    </message>
    <message>
        <source>With roles: what the role is for.</source>
        <translation>Mit roles: wofür die Rolle da ist.</translation>
    </message>
    <message>
        <source>With billing report: the PDF file to write.</source>
        <translation>Mit billing report: die zu schreibende PDF-Datei.</translation>
    </message>
    <message>
        <source>With billing report: the XLSX file to write.</source>
        <translation>Mit billing report: die zu schreibende XLSX-Datei.</translation>
    </message>
    <message>
        <source>import a billing export (FOCUS, AWS CUR, Azure cost details; plain, .gz or .zip)
in one transaction, its lines attributed to tenants by the rules; --tenant-tag adds
a tag whose value is a tenant&apos;s slug to the rules; the same file again is refused
unless --on-duplicate skip or replace</source>
        <translation>einen Abrechnungsexport (FOCUS, AWS CUR, Azure-Kostendetails; unkomprimiert, .gz oder .zip)
in einer Transaktion importieren, seine Zeilen nach den Regeln Mandanten zugeordnet; --tenant-tag
fügt den Regeln ein Tag hinzu, dessen Wert das Kürzel eines Mandanten ist; dieselbe Datei wird
erneut abgelehnt, außer mit --on-duplicate skip oder replace</translation>
    </message>
    <message>
        <source>the billing imports, newest first</source>
        <translation>die Abrechnungsimporte, neueste zuerst</translation>
    </message>
    <message>
        <source>delete an import with its lines and roll-ups</source>
        <translation>einen Import mit seinen Zeilen und Summen löschen</translation>
    </message>
    <message>
        <source>cost summed exactly by any of tenant, service and month (and always currency),
from the roll-ups; shares of shared cost count in their tenant&apos;s sums, cost of no
tenant is “(unallocated)”; --to is the last day included</source>
        <translation>Kosten exakt summiert nach beliebigen von Mandant, Dienst und Monat (und immer Währung),
aus den Summen; Anteile gemeinsamer Kosten zählen in den Summen ihres Mandanten, Kosten ohne
Mandant sind „(nicht zugeordnet)“; --to ist der letzte eingeschlossene Tag</translation>
    </message>
    <message>
        <source>the attribution rules; with --json the document billing rules set reads</source>
        <translation>die Zuordnungsregeln; mit --json das Dokument, das billing rules set liest</translation>
    </message>
    <message>
        <source>store attribution rules from a JSON file and apply them again to every billing
line; a file with a &quot;version&quot; is refused when the rules changed since</source>
        <translation>Zuordnungsregeln aus einer JSON-Datei speichern und erneut auf jede Abrechnungszeile
anwenden; eine Datei mit &quot;version&quot; wird abgelehnt, wenn sich die Regeln seitdem geändert haben</translation>
    </message>
    <message>
        <source>set a tenant&apos;s monthly budget in a currency; AMOUNT none removes it</source>
        <translation>das Monatsbudget eines Mandanten in einer Währung setzen; AMOUNT none entfernt es</translation>
    </message>
    <message>
        <source>With environments promote: the source environment; with users move: SLUG or SLUG/ENVIRONMENT; with billing summary: the first day.</source>
        <translation>Mit environments promote: die Quellumgebung; mit users move: KÜRZEL oder KÜRZEL/UMGEBUNG; mit billing summary: der erste Tag.</translation>
    </message>
    <message>
        <source>With environments promote: the target environment; with users move: SLUG or SLUG/ENVIRONMENT; with billing summary: the last day.</source>
        <translation>Mit environments promote: die Zielumgebung; mit users move: KÜRZEL oder KÜRZEL/UMGEBUNG; mit billing summary: der letzte Tag.</translation>
    </message>
    <message>
        <source>With billing import: the file&apos;s format (focus, aws-cur, aws-cur2, azure-ea, azure-mca); detected from the header otherwise.</source>
        <translation>Mit billing import: das Format der Datei (focus, aws-cur, aws-cur2, azure-ea, azure-mca); sonst aus der Kopfzeile erkannt.</translation>
    </message>
    <message>
        <source>With billing import: a tag key whose value is a tenant&apos;s slug (added to the attribution rules).</source>
        <translation>Mit billing import: ein Tag-Schlüssel, dessen Wert das Kürzel eines Mandanten ist (wird den Zuordnungsregeln hinzugefügt).</translation>
    </message>
    <message>
        <source>With billing import: what to do when the same file was imported before: refuse (the default), skip or replace.</source>
        <translation>Mit billing import: was geschehen soll, wenn dieselbe Datei bereits importiert wurde: refuse (Standard), skip oder replace.</translation>
    </message>
    <message>
        <source>With billing summary: group by tenant, service and month, comma-separated (default: tenant).</source>
        <translation>Mit billing summary: gruppieren nach tenant, service und month, durch Kommas getrennt (Standard: tenant).</translation>
    </message>
    <message>
        <source>With billing summary: print CSV.</source>
        <translation>Mit billing summary: CSV ausgeben.</translation>
    </message>
    <message>
        <source>With billing report: read branding packs from &lt;dir&gt;/&lt;tenant slug&gt;/ first (see docs/BRANDING.md).</source>
        <translation>Mit billing report: Markenpakete zuerst aus &lt;dir&gt;/&lt;tenant slug&gt;/ lesen (siehe docs/BRANDING.md).</translation>
    </message>
</context>
</TS>
