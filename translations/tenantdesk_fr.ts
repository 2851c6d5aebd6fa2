<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>AttributionJson</name>
    <message>
        <source>%1: expected %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one of %1 (unknown field)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a string</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a tenant id (a positive whole number)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an array</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a non-negative whole number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a tenant id (the field is missing)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BillingFile</name>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, line %2, column %3: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the file has no such column; BilledCost is used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ServiceCategory is not in this format: it is derived from %1 for well-known services</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DatabaseLocation</name>
    <message>
        <source>“%1” is not a PostgreSQL address; write postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No database file was given.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Decommission</name>
    <message>
        <source>Back up the tenant&apos;s data to a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notify the tenant&apos;s users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Release the tenant&apos;s resources</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the tenant&apos;s data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finalise billing</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DetailForm</name>
    <message>
        <source>Unlimited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Edits</name>
    <message>
        <source>Change %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add environment %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove environment %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create role %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete role %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change role %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change user %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Environment</name>
    <message>
        <source>Production</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staging</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Development</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sandbox</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>JsonCodec</name>
    <message>
        <source>%1: expected %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: this field is unknown or cannot be set here (known: %2).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PromoteDialog</name>
    <message>
        <source>(not set)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RoleListModel</name>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RolesPage</name>
    <message>
        <source>New Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A custom role of %1. Its permissions and the roles it includes are chosen on the page once it exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Scope:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SqlSession</name>
    <message numerus="yes">
        <source>“%1” is still granted %n time(s); take it away from its members first.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The change to %n user(s) was cancelled; nothing was changed.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SqlStore</name>
    <message>
        <source>The database is locked by another program; close it and generate the demo again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The demo data could not be written: the disk is full or failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the demo data (%1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Store</name>
    <message>
        <source>The operation was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An unexpected error occurred; please report it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tenant</name>
    <message>
        <source>A slug has 2 to 100 characters; &quot;%1&quot; has %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A slug uses lower-case letters, digits and hyphens in dot-separated parts, each starting and ending with a letter or digit; &quot;%1&quot; does not.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk</name>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its hash does not match its contents: it was changed after it was written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is the first event of its chain here but names a predecessor (%1): the events before it were deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it does not follow event %1 (it names predecessor %2, event %1 has hash %3): an event between them was deleted or inserted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FOCUS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AWS Cost and Usage Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AWS CUR 2.0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Azure cost details (EA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Azure cost details (MCA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no tenant with id %1 that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keychain holds nothing for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The keychain refused access (is it locked?).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is available (no Secret Service such as GNOME Keyring or KWallet answers), so you will be asked for your password each time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, such as https://tenants.example.com.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a server address; write it as https://host or https://host:port.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address must start with https:// (not %1://).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use https:// for %1: with plain http your password would cross the network unencrypted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address should hold only the server and port, such as https://host:8443.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open “%1”: Qt&apos;s PostgreSQL driver (QPSQL) is not installed. Install it (Debian: libqt6sql6-psql).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” has a connection parameter that TenantDesk cannot pass on: “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the schema is to be created by the role that owns TenantDesk&apos;s tables, not by tenantdesk_app, the role tenantdesk-server connects as. Connect as the owner role (see docs/POSTGRESQL.md).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the role tenantdesk_app on “%2” is a superuser or may bypass row-level security, so tenants would not be kept apart. Run ALTER ROLE tenantdesk_app NOSUPERUSER NOBYPASSRLS, then open the database again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: could not give the role tenantdesk_app its rights on the tables of “%2”. Connect as the role that owns them (see docs/POSTGRESQL.md).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” runs %2; TenantDesk needs PostgreSQL 12 or newer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” has no schema on the user&apos;s search_path to keep TenantDesk&apos;s tables in. Create one, or set the search_path.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is an empty PostgreSQL database, not a TenantDesk database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is a PostgreSQL database of another application, not a TenantDesk database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was written by a newer TenantDesk (schema version %2; this TenantDesk reads up to version %3). Update TenantDesk to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not bring “%1” up to date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read an environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no environment with id %1; it may have been removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not check the slug</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>slug: “%1” is taken by the tenant “%2”; choose another.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not check the environment&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name: the tenant already has an environment called “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: “%2” is %3; its data no longer changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read a user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user with id %1; they may have been deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not lock the row to change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read a role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no role with id %1; it may have been deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not count the sub-tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is being retired; it takes no new members.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” has no environment with id %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the role “%1” belongs to another tenant; it cannot be granted on “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is a platform role; platform roles are held across tenants, not granted on one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is an environment role; grant it on one of the tenant&apos;s environments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the memberships</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is no permission TenantDesk knows (expected one of %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>there is no role with id %1 here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a role cannot include itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” cannot include “%2”: a role includes only built-in roles and roles of its own tenant, of no wider scope.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>including these roles would make a cycle: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not check the role&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is the name of a built-in or platform role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>there is a role called “%1” already.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file is not a usable tenant backup: %1: expected %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cursor: this cursor belongs to another query or order; start again from the first page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no service)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Currency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generated %1 by %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billed cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared cost spread</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month over month (%1 against %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Previous</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost, latest month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Effective cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generated %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost per month by tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost by tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost by service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month over month: %1 against %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak&apos;s own role for offline tokens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak&apos;s own role for User-Managed Access</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak&apos;s holder of the roles it grants at registration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak&apos;s administration of the realm itself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak&apos;s identity brokering</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak&apos;s own account console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak&apos;s admin console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak&apos;s command-line administration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2 at offset %3 (line %4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a Keycloak realm export: it has no “realm” field.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds an empty array: no realm to import.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, realm %2 of %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder %1 holds no &lt;realm&gt;-realm.json file of a Keycloak export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 not read: users of a user federation (LDAP, Kerberos...) stay in their directory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds users of a realm without a %2-realm.json file in the folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s answer to %1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The e-mail address is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a status: use invited, active or disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A membership needs a role: this names %1 but no role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>environment “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenant “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The role “%1” needs a tenant: none is named here and the import has no tenant of its own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file is not UTF-8: the bytes at offset %1 (counted from 0; line %2) are no UTF-8 character. Save it as UTF-8 and import it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is too long for an e-mail address (at most 254 characters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: it needs exactly one “@”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: it needs a name before the “@” and a domain after it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: “%2” may not appear before the “@”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a blank</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: the part before the “@” may not start or end with a dot or have two in a row.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address: the domain after the “@” is dot-separated names of letters, digits and hyphens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file is empty: it needs a header row naming the columns, at least “email”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The column “%1” appears twice (columns %2 and %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The header row has no “email” column; it names: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Columns ignored (not read by this import): %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A quoted field starts on line %1 but its closing quote never comes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This row has %1 fields but the header has %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 rows read: %2 users with %3 memberships.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file is not valid JSON: %1 at offset %2 (line %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file holds neither an object with a “users” array nor an array of users.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>record %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A user is a JSON object; record %1 is not.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is to be a string.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“memberships” is to be an array.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A membership is a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 records read: %2 users with %3 memberships.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>billing export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has more than 18 decimals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is too large for an amount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a date and time (expected 2024-09-01T00:00:00Z, 2024-09-01 00:00:00 or 09/01/2024)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a valid date and time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the tag %2 is not written as key:value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribution rules, budgets and roll-ups are changed by a platform administrator only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the attribution rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stored attribution rules cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from/to: a billing range needs a start before its end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a tag key cannot be empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a tag mapping needs the tag key it reads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a mapping needs the value it maps.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sub-account %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is mapped to tenant %2 here and to tenant %3 by mappings[%4]; map each value to one tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a shared cost needs the service or account it matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>there is no tenant with id %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not rebuild the billing roll-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing files are imported and deleted by a platform administrator only.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a plain decimal amount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the billing imports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was imported before, as “%2” on %3 (import %4). Skip it, or replace that import.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::ApiServer</name>
    <message>
        <source>Could not open the access log “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TLS certificate “%1” or its key “%2” cannot be used.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no such resource.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body is larger than the server accepts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The request is malformed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::ApiServer::Impl</name>
    <message>
        <source>Sign in first: this request carries no access token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The access token has expired; refresh it or sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The access token is not valid; sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server met an unexpected error; it was logged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body must be JSON (Content-Type: application/json).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body is not valid JSON: %1 at character %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body must be a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: required, a non-empty string.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: at most %2 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: this field is unknown here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected an id (a positive whole number) or null.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no tenant with id %1 that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You may not do this on this tenant (it needs the permission %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no environment with id %1 that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You may not do this on this environment (it needs the permission %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A change needs the If-Match header with the ETag of the version it was made on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>If-Match: expected an ETag such as &quot;7&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was changed by someone else since you read it (now version %2). Review their change, then edit again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user with id %1 that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a platform principal; only a platform admin changes them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 also belongs to tenants you do not administer; ask a platform admin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no role with id %1 that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You may not give the permission %1: you do not hold it on this tenant yourself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This needs the platform-wide permission %1; name a tenant you administer instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant “%1” has used its %2 requests per minute; try again in %3 s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your tenant “%1” is %2; ask a platform admin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your tenant “%1” is out of service: a tenant above it is %2; ask a platform admin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The e-mail or the password is wrong, or the account is not active.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The session has ended; sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no tenant with this slug that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>parent_id: required: the new parent&apos;s id, or null for the top level.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: “%1” is not a tenant status (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backup: required, the backup document (a JSON object).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>source_id: required: the environment whose settings are promoted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keys: required: the names of the settings to promote, in an array.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keys: expected the names of settings (non-empty strings).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>environment_id: name the environment&apos;s tenant with tenant_id too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenant_id: required: the tenant the permissions are held on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no tenant “%1” that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenant_id: required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The attribution rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected true or false.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from/to: required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body must be the billing file itself (Content-Type: application/octet-stream, application/gzip, application/zip or text/csv).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (no temporary directory).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (its disk may be full).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>amount: required, a decimal number as a string (&quot;1200.00&quot;), or null to remove the budget.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::AttributionRulesDialog</name>
    <message>
        <source>Attribution Rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No database is open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost goes to a tenant by these rules, tried in order: a mapping of a tag value or sub-account first, then a tag whose value is the tenant&apos;s slug. Cost that matches nothing stays unallocated. Shared cost is spread over tenants instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant tag &amp;keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags whose value is a tenant&apos;s slug, e.g. tenant or user:tenant; double-click to edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tag-key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Mappings: value → tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Mapping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;hared cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service or account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenants (slugs, comma-separated; empty: all with direct cost)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Shared Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Store the rules and attribute every line again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the rules…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the rules: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proportional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Even</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proportional: in proportion to each tenant&apos;s direct cost that month; Even: the same share each</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared cost %1: name the service or account.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tenant has the slug %1: nothing was applied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct the rules first: nothing was applied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up the tenants…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applying the rules to every line…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Someone changed the rules meanwhile: they are shown as they are now, and yours were not applied. Make your change again and apply.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not apply the rules: %1 Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not apply the rules: an unexpected error occurred. Nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled: the rules and the attribution are as they were.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applied: %1 lines attributed to tenants, %2 unallocated, %3 shared. Edit → Undo takes it back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::AttributionRulesModel</name>
    <message>
        <source>Tag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub-account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Row %1: a tag mapping needs the tag key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Row %1: the value to match is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Row %1: no tenant has the slug “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Row %1: choose the tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Row %1: looking up “%2”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(SubAccountId or name)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tag key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant (slug)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditDiffModel</name>
    <message>
        <source>Unchanged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditEventModel</name>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An event of the platform itself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2), tenant %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, tenant %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1, which no longer exists or is out of reach</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
%2 UTC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 “%2”, event %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local time; newest first, as the audit trail is kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Object</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditIntegrityBanner</name>
    <message>
        <source>Audit trail warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Details…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit Trail Altered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dis&amp;miss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide this warning until the database is opened again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit trail has been altered: the platform&apos;s chain breaks at event %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit trail has been altered: the chain of tenant %1 breaks at event %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1

%2 events in %3 chains were checked. An event was edited, deleted or inserted outside TenantDesk. Restore the database from a backup you trust, and find who had access to it. `tenantctl audit verify` checks the trail again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::AuditPage</name>
    <message>
        <source>Audit Trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit trail error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why the audit trail could not be read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry reading the audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit events and the selected event&apos;s changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit events, newest first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy Event as JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The selected event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the selected event changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit trail status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the audit trail: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant slug filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any tenant (slug)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This te&amp;nant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the tenant the page was opened for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant filter error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actor filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anyone (exactly, e.g. system)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acto&amp;r:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every tenant action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every environment action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An action, or a prefix ending in “.” for a group of actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fro&amp;m</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events from this time on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>t&amp;o</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events before this time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time range error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text in the object, actor or values (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Clear Filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear every filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the audit trail again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the matching events again, with any that were added since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This te&amp;nant (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a start before the end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an event to see what it changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 by %3 on %4 (event %5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) so far; loading more…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) shown; the rest could not be read.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s) so far, newest first; scroll down for older ones.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No events match the filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n event(s), newest first.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingCsv</name>
    <message>
        <source>the quoted value that starts here is not closed before the end of the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>text follows the closing quote of a quoted value (a quote inside a value must be doubled)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a quote inside a value that does not start with a quote</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingFileReader</name>
    <message>
        <source>the file is empty; a billing export starts with a header line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the header is not one of a known billing export (FOCUS, AWS CUR, AWS CUR 2.0, Azure cost details EA or MCA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the column is missing; a %1 file must have it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the line ends after %1 of the header&apos;s %2 columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the line has %1 values, %2 more than the header&apos;s %3 columns (after this one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the value is not UTF-8 text (export the file as UTF-8)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingFileReader::Private</name>
    <message>
        <source>the line is longer than 64 MiB: a quoted value that starts on it is probably not closed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingImportDialog</name>
    <message>
        <source>Import Billing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a billing export: FOCUS 1.0–1.3, AWS Cost and Usage Report (legacy or 2.0) or Azure cost details (EA or MCA), as CSV, .csv.gz or .zip. One import is one transaction: a broken file changes nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A .csv, .csv.gz or .zip file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detected format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave on “Detect from the header” unless the detection is wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F&amp;ormat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional, e.g. tenant or user:tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tag whose value is a tenant&apos;s slug; added to the attribution rules&apos; tenant tag keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant tag key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detect from the header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FOCUS 1.0–1.3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AWS Cost and Usage Report (legacy)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AWS Cost and Usage Report 2.0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Azure cost details (EA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Azure cost details (MCA)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing exports (*.csv *.csv.gz *.gz *.zip);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No such file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detected on import (compressed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recognised: choose the format below</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replacing the earlier import of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not import %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An unexpected error occurred; please report it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import cancelled: nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This file was imported before.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already Imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1

Skip it, or replace the earlier import with this file?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Skip</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Replace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1

Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped: this file was imported before, nothing changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported %1 as %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It replaces the earlier import of the same file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lines: %1; attributed to tenants: %2; unallocated: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Charges from %1 to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billed cost in %1: %2 (exactly %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingLinesModel</name>
    <message>
        <source>%1 %2, exactly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to %2 (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A shared cost, spread over tenants by the attribution rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Charge start (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Charge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub-account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resource</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billed cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Effective cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Currency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingMapping</name>
    <message>
        <source>the time is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the amount is empty; it must have a value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the price times the quantity is too large</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingPage</name>
    <message>
        <source>Retr&amp;y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a billing export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribution &amp;Rules…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribution rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;xport Report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost by tenant, service and month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click a figure, or press Enter, to see the lines behind it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>← Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the totals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to the totals (Alt+Left, Escape)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lines shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sum of the lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the lines: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Budget of %1 removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Budget of %1 set to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not set the budget of %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Te&amp;nant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Service:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cate&amp;gory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service category filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;urrency:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Currency filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fro&amp;m:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>T&amp;o:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Im&amp;port:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost &amp;kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Effective</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BilledCost (the invoice), EffectiveCost (with discounts amortised) or ListCost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost by tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost by service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click a budget (or press F2) to change it; empty removes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month over month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the billing totals: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the imports: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the budgets: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1 (gone)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unallocated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All currencies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earliest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All imports and demo data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No cost in this selection. Import a billing export with File → Import Billing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total &lt;b&gt;%1&lt;/b&gt; · &lt;span style=&quot;color:#a84b00&quot;&gt;Unallocated &lt;b&gt;%2&lt;/b&gt; (%3 %)&lt;/span&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · Shared %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source> · %Ln line(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source> (%1 only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billed cost per month by tenant%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billed cost per month by service%1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost against budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost in %1 against the monthly budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Over budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month over month (needs two months)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change from %1 to %2 by tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Increase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decrease</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every month shown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Shared lines&lt;/b&gt; of %1 — the share shown is %2 of them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Lines behind&lt;/b&gt; %1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>latest month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%Ln line(s) so far, %1 — scroll for more</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %Ln line(s): billed cost %1</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>, as in the total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (the total also holds %1 of shared cost spread to this tenant)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Billing Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>billing-report.pdf</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF (*.pdf);;Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not export the report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report written to %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::BillingTotalsModel</name>
    <message>
        <source>Unallocated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no service)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (shared)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 against %3 in %4: %5 %6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No cost in %1 to compare with</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 %2, exactly
%n line(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1&apos;s share of the shared cost of %2, spread by the attribution rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost that no attribution rule gives to a tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs two months</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 against %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant / service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Currency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change %</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::BudgetModel</name>
    <message>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click or press F2 to set the monthly budget; empty removes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2, exactly, in %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an amount: type digits with a point, e.g. 1200.50.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A budget cannot be negative.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Currency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cost in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::ConflictDialog</name>
    <message>
        <source>%1 was changed by someone else</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>While you were editing, “%1” was changed (now version %2, you started from version %3). Compare the values, then apply your change to the current version or keep the current one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When you started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Apply my change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keep theirs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::ConnectDialog</name>
    <message>
        <source>Enter the e-mail address you sign in with.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to Server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to a TenantDesk server to administer its platform.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remember me on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking for a keychain…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Trust This Certificate and Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keeps your session in the system keychain, never your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No keychain is available (such as GNOME Keyring or KWallet): you will be asked for your password each time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Trust it only if it is the certificate of your server: compare the fingerprint with the one your administrator gives you.&lt;/p&gt;&lt;p&gt;&lt;tt&gt;%2&lt;/tt&gt;&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in to %1…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::DecommissionDialog</name>
    <message>
        <source>Decommission %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Work through the checklist. Each step is recorded as it is done; the tenant is archived once all are done. A backup file restores the tenant later, here or in another database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Back Up…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Record Notice…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;lease</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Finalise</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type %1 to confirm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slug to confirm the deletion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back Up %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant backups (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users Notified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How and when were the users told?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail to every member</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the Data of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This deletes the environments, memberships, custom roles, usage and settings of “%1”. Only its backup brings them back. Delete now?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>✔ %1 by %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is archived.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 steps done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the backup to “%1”: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (SHA-256 %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resources released</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing finalised</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::EditHistory</name>
    <message>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not redo “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not undo “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Redo %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::EffectivePermissionsDialog</name>
    <message>
        <source>Effective Permissions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ann@example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User (e-mail):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>acme.emea</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant (slug):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permission and why it is held</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>platform role %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, environment %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (inherited from the parent tenant %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a user&apos;s e-mail and a tenant&apos;s slug.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1” among the tenant&apos;s members.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no tenant “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This user holds no permission on this tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n permission(s) on this tenant, each with every membership and role that grants it.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TenantDesk::EnvironmentPage</name>
    <message>
        <source>Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::EnvironmentSettingsDialog</name>
    <message>
        <source>Settings of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::ExportDialog</name>
    <message>
        <source>Export Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writes the users with their memberships, one file that TenantDesk imports back exactly. Platform roles are not memberships of a tenant and are left out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The users matching the Users page&apos;s filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The users of the &amp;tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every user on the &amp;platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant slug, e.g. acme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV (one row per membership)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON (users with their memberships)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;hoose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F&amp;ile:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop reading; nothing is written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The users matching the Users page&apos;s filters: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing the users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the tenant: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listing the users… %1 so far.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Reading the memberships of %n user(s), one request each…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Could not list the users: %1 Nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the memberships of %1 of %2 users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read user %1: %2 Nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write %1: %2. The file was left as it was.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Exported %n user(s) with %1 membership(s) to %2.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cancelled: nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::ImportDialog</name>
    <message>
        <source>Import Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file of users. It is read and checked first: nothing is written until you have seen the preview and pressed Import. Credentials in a file are never stored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV (one row per membership)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON (users with their memberships)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak realm export (a file or a kc.sh export folder)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file to import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose &amp;File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose F&amp;older…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A folder as kc.sh export --dir writes it: &lt;realm&gt;-realm.json and &lt;realm&gt;-users-N.json files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F&amp;ile:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant slug, e.g. acme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the file and check it, without writing anything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop reading; nothing has been written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An import is written in one transaction: it cannot be cancelled half-way, and a failure leaves nothing of it behind.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy Report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;Audit Trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit events of the tenant imported into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each realm becomes a new tenant of its own, named after the realm; you can change its slug in the preview.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rows that name no tenant are memberships on this tenant. Rows may name other tenants by slug.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON files (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keycloak Export Folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a folder. Choose a file, or the Keycloak format for a kc.sh export folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the realm files in %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1 (%2)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the rows…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading cancelled; nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds nothing to import.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 could not be read. %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;%1&lt;/b&gt;: %n realm(s), each imported as a new tenant. Checked by the store: nothing has been written yet.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; into the tenant &lt;b&gt;%2&lt;/b&gt;. Checked by the store: nothing has been written yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New tenant “%1”, slug:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new tenant&apos;s slug; change it when a tenant has it already</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import this &amp;realm</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memberships</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users (the first %1 of %2; the counts above cover them all):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users (%1):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What was mapped and skipped (%1):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to note: every column was read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Double-click an issue to copy it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1, %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Issues: checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Issues: none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Issues (%n), by line; nothing is imported while any remain:</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Checking with the store…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The store could not check this import: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would import: &lt;b&gt;%1&lt;/b&gt; new user(s), &lt;b&gt;%2&lt;/b&gt; existing (they keep their profile and status and gain the memberships), &lt;b&gt;%3&lt;/b&gt; new role(s), &lt;b&gt;%4&lt;/b&gt; membership(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Realm roles, client roles and groups become roles of the new tenant without permissions: grant them in the role editor afterwards.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n issue(s))</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing has been read yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The store is still checking the import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The store could not check %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two realms would become the tenant “%1”: give one another slug.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No realm is chosen: tick “Import this realm” on at least one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the export and read it again, change the slug of a tenant that exists already, or leave the realm out.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the export and read it again, or change the slug of a tenant that exists already.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Import is disabled while %n issue(s) remain: correct the file and read it again (Back).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>The file holds no users or roles to import.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the import, one transaction per tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No issues. Import writes the %1 realms, each in its own transaction.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No issues. Import writes it in one transaction.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing the realm as the tenant “%1”…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Importing %n user(s) into “%1”…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>line %1, %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was not imported: the store found issues it had not found in the preview (%2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was not imported: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 → the new tenant “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 → the tenant “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Users created: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Users that existed (memberships added, profile kept): %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Roles created: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Memberships: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  Notes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is listed above was written (each tenant in its own transaction); nothing of the rest was.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported users are invited (or disabled when the file says so); no credential was stored.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::MainWindow</name>
    <message>
        <source>No database open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a tenant by name or slug (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New Database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open Database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to &amp;Server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import Users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Users…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Close Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;Out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit &amp;Tenant…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Collapse All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Audit Trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View &amp;as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview the console read-only, exactly as a chosen user sees it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About TenantDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TenantDesk databases (*.%1 *.sqlite *.db);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TenantDesk databases (*.%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening the demo platform…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open the demo platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generating the demo platform: tenants, users, usage and billing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not generate the demo platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo generation cancelled; nothing was kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your password to sign in to %1 as %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not keep the session in the keychain: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not remove the session from the keychain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed out on this computer only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server could not be told, so the session ends when it expires: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2 — TenantDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — TenantDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created a new database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database opened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not show the details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tenant&apos;s name or slug contains “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Showing the first %1 matching tenants; type more to narrow the search.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n tenant(s) found.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Copy Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Slug</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collapse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expand</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit Trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About TenantDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;TenantDesk %1&lt;/h3&gt;&lt;p&gt;A native console for administering multi-tenant platforms.&lt;/p&gt;&lt;p&gt;Qt %2 (built with %3)&lt;br&gt;Database: %4&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created “%1” (%2), requested. Provision it from the Tenant menu.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>End Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to your own view (Escape)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not tell who you are on this store: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View As</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>See the console exactly as this user would, read-only.

E-mail of the user:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not view as this user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user with the e-mail “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2, environment %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>no roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n grant(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Viewing as %1 (%2) — read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Viewing as %1 — TenantDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit Trail Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import &amp;Billing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import a FOCUS, AWS CUR or Azure cost export into this database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Re&amp;view File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a .tenantdesk file someone sent, on its billing review; no server needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usa&amp;ge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage charts of the selected tenant or environment, or the top tenants of the platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Billing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribution &amp;Rules…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open Review File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TenantDesk review files (*.%1 *.sqlite *.db);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::MembershipPicker</name>
    <message>
        <source>Tenant slug, e.g. acme.emea</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whole tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (custom)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Params</name>
    <message>
        <source>%1: this query parameter is unknown here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: given more than once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: at most %2 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected a tenant, user or environment id (a whole number).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>limit: a page holds 1 to %1 items.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected an ISO 8601 time such as 2026-11-01T00:00:00Z.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: “%2” is not one of the accepted values.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::PdfLayout</name>
    <message>
        <source>Page %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::PermissionMatrixModel</name>
    <message>
        <source>Granted by this role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Included through %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not granted.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::PlatformPage</name>
    <message>
        <source>Database:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenants:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-level tenants:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environments:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roles:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schema version:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::PostgresLineWriter</name>
    <message>
        <source>Could not write the billing lines</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applies at once to every open window. With the system default, a tenant administrator sees the language set for their tenant.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::PreviewStore</name>
    <message>
        <source>This is a read-only preview of what %1 sees.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This needs the platform-wide permission %1; name a tenant you administer instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You may not do this on this tenant (it needs the permission %1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no tenant with this slug that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no environment with id %1 that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user with id %1 that you may see.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::PromoteDialog</name>
    <message>
        <source>Promote Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Differences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promote</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) will change in the target.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Setting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Differs: ticked keys take the value of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose two different environments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings are the same: nothing to promote.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The target was changed by someone else meanwhile; close this window and promote again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::RealmReader</name>
    <message>
        <source>%1 holds users of the realm “%2”, not of “%3”; its users are not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no “users” array.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The realm “%1” gives no usable tenant slug: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Realm role “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the realm role “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the client role “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The composite role “%1” includes %2, which the realm does not define.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members of the Keycloak group %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The group %1 has %2, which the realm does not define.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (in %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user “%1”%2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The users “%1”%2 and “%3”%4 have the same e-mail address %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the group %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user “%1”%2 has %3, which the realm does not define.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Realm “%1” from %2: imported as the new tenant “%3” (%4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s) read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no e-mail address, which a user here needs (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>service accounts of clients, not people (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s) disabled: not enabled in Keycloak.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s) had credentials: dropped, never stored. The users are invited and choose their own at their first sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n realm role(s) imported as roles of the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n client role(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>of %n client(s), named “client:role”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n composite role(s) include the roles they list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The roles carry no permissions: a Keycloak role means what its applications make of it. Grant permissions in the role editor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n group(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%n at the top)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>imported as composite roles named “group:/path”, each including the group&apos;s roles and its parent group&apos;s role; a member gets one membership with the group&apos;s role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n membership(s) on the new tenant: one per realm role, client role and group of each imported user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n composite role(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 skipped (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>: its roles %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n definition(s) left out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>named by no user, group or composite role.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dropped from %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The realm&apos;s default roles (%1) are not granted: Keycloak grants them at registration, and the export lists the roles each user has.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not imported: %n client(s), client scopes, identity providers and the realm&apos;s settings, which configure Keycloak itself.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::RequestContext</name>
    <message>
        <source>The body could not be read to its end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body is larger than the %1 bytes this request accepts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The body was read twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server could not keep the uploaded file (its disk may be full).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Response</name>
    <message>
        <source>The server&apos;s answer to %1 is not a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::RestStore</name>
    <message>
        <source>Server — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server — %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not answer like a TenantDesk server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 reports that it is not ready.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file is not a tenant backup: it is not a JSON object (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Demo data is generated into a local database, not on a server (%1).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The billing import was cancelled; nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::RestStore::Client</name>
    <message>
        <source>The connection to %1 was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your password to sign in to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are not signed in to %1; sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 did not answer within %2 seconds; try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server name in %1 is not known; check the address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 refused the connection: it may be down, or the port may be wrong.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server at %1 closed the connection before answering; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The connection to %1 was lost before the server answered, so the change may or may not have been made: reload to see, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not set up a secure connection to %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not reach the server at %1; check the address and your network.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your session on %1 has ended; sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: expected a non-empty string.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>token_type: expected Bearer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expires_in: expected a positive number of seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>user: expected an object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You signed out of %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file “%1” cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::RoleListModel</name>
    <message>
        <source>Built in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scope</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::RolesPage</name>
    <message>
        <source>Could not read the roles: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New Role…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Effective Permissions…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scope:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permissions (a half-ticked cell is held through an included role):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Includes the roles:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Built-in roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Roles of %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a role to see its permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A built-in role cannot be changed; create a custom role that includes it instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read-only: this is a preview.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changing roles here needs the permission role.manage on this tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 scope): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A role needs a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the role “%1”? Nobody may hold it and no other role may include it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete “%1”: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::ServerOptions</name>
    <message>
        <source>The TenantDesk REST API over a local or shared database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The address to listen on, HOST:PORT (port 0: any free port). Default 127.0.0.1:8080.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM certificate file: serve HTTPS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PEM private key file of the certificate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file holding the token signing key; created on first start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Append the access log to this file instead of standard error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create the first platform admin with this e-mail, print a one-time password, and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the existing user with this e-mail a one-time password, print it, and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print every route of the API (method and path) and exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request threads (each with its own database connection). Default 64.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests per minute per tenant for tenants without their own limit. Default 0: none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The largest tenant backup a restore accepts, in bytes. Default 67108864 (64 MiB).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--database is required: sqlite:PATH or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--listen takes HOST:PORT, such as 127.0.0.1:8080, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 takes a whole number from %2 to %3, not “%4”.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Source</name>
    <message>
        <source>cannot start decompressing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file ends early</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file&apos;s entry has no valid local header</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the compressed file ends early</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the compressed data is damaged (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file has no central directory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file&apos;s central directory is out of reach (ZIP64 archives larger than 4 GiB are not read)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file&apos;s central directory is damaged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file holds no CSV file (it holds: %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file holds several CSV files (%1); put one export in each zip file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file&apos;s CSV file is encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the zip file&apos;s CSV file is compressed with method %1; only deflate and stored are read</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDemoWriter</name>
    <message>
        <source>Could not write the demo data (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the demo data (statistics)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the demo data (platform)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the demo data (billing review)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDemoWriter::Table</name>
    <message>
        <source>Could not write the demo data (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlDetail</name>
    <message>
        <source>%1: the database “%2” is locked by another program. Close the other program or try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the database “%2” is damaged. Restore it from a backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: a required value was missing; please report this.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the change conflicts with existing data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the database “%2” cannot be written. Check the file&apos;s permissions.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the disk holding the database “%2” is full. Nothing was changed; free some space and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the database “%2” cannot be read or written (disk or file system error).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the database “%2” reported an error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the database role may not do this in “%2” (it lacks a right, or the row lies outside the session&apos;s tenants).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: “%2” was busy with a conflicting change. Try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the PostgreSQL server refused the user name or password given for “%2”, or no password was given (in the URL, PGPASSWORD or ~/.pgpass). Check them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the database of “%2” does not exist on its server. Create it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the PostgreSQL server of “%2” cannot be reached or is not taking work now. Check that it runs and accepts connections, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The page cursor “%1” is not valid; start again from the first page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A page holds 1 to %1 items; %2 were asked for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read a tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no tenant with id %1; it may have been deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the environments of a tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was changed by someone else (version %2; this edit was made on version %3). Review their change, then edit again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not number a new row</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlSession</name>
    <message>
        <source>Could not start a transaction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: one is already running on this connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not commit: no transaction is running on this connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not open “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database file “%1” does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create the folder “%1” for the database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is a folder, not a database file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database file “%1” cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is an empty file, not a TenantDesk database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a TenantDesk database: it is not an SQLite database file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is an empty SQLite database, not a TenantDesk database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is an SQLite database of another application, not a TenantDesk database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was written by a newer TenantDesk (schema version %2; this TenantDesk reads up to version %3). Update TenantDesk to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not bring “%1” up to date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the platform summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not check the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no tenant with the slug “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not count the members of a tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not search the tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read an environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no environment with id %1; it may have been deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not count the members of an environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the memberships</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The page cursor “%1” is not valid; start again from the first page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the permissions of the roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the composite roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from/to: a time range needs a start before its end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from/to: a usage range needs a start before its end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from/to: a usage range covers at most 400 days.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from/to: a billing range needs a start before its end.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the billing lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A billing line holds a cost that is not a decimal number: “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the audit event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read a user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user with id %1; they may have been deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not store the password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not record the sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create the user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new user “%1” could not be read back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not grant the platform role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no built-in role “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the user&apos;s platform roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the user&apos;s memberships</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not store the session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not end the session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not add the built-in roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” was changed by someone else; review their change, then edit again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not add a sub-tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>parent_id: “%1” cannot move under itself or one of its own sub-tenants.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not move the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: “%1” is %2 and cannot become %3; from %2 it can become: %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nothing (this is the end of its life)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the tenant&apos;s status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: “%1” has %2 sub-tenant(s) that are not archived; decommission them first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: “%1” is archived only once its decommissioning checklist is done; still to do: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: “%1” is %2; its checklist is worked through once it is decommissioning.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not record the decommissioning step</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirm_slug: type the tenant&apos;s slug, “%1”, to delete its data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step: back “%1” up before its data is deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not back the tenant up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not restore the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>slug: a tenant “%1” exists here and is not archived; a backup is restored over an archived tenant or where the slug is free.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” still holds environments; its data was not deleted, so there is nothing to restore.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>role “%1” includes “%2”, which is not here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 as %2: the role or environment is not here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not restore the tenant&apos;s usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirm_slug: type the tenant&apos;s slug, “%1”, to delete it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: “%1” is %2; only a tenant never provisioned (requested) or an archived one is deleted. Decommission it instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: “%1” has sub-tenants; delete or move them first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not remove the environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keys: choose at least one setting to promote.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>target_id: an environment is promoted to another one, not to itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>source_id: settings are promoted between environments of one tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not promote the settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keys: neither “%1” nor “%2” has a setting “%3”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” already belongs to the user “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The change names no field to change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a user who is %1 cannot become %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 already holds “%2” there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not grant the role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read a tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not hold that role there (any more).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not take the role away</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a role of no tenant is a platform role; tenant and environment roles belong to a tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a tenant&apos;s role has tenant or environment scope; platform roles belong to the platform.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is being retired; its roles no longer change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not create the role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is a built-in role; built-in roles do not change. Create a custom role that includes it instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is a built-in role; built-in roles cannot be deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete the role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is included in %2; remove it from there first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least one user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one status per user is needed (%1 users, %2 statuses).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is being retired; it takes no new members.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” has no environment with id %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the users are there already; choose another tenant or environment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 and cannot become %3; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds “%2”, a role of “%3” that “%4” cannot use; nothing was moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds the environment role “%2”, which needs an environment to move to; nothing was moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” cannot be a tenant&apos;s slug: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not check the slug</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the tenant “%1” exists already (“%2”); import into it, or choose another slug.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>there is no tenant “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the role “%1” appears twice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is no permission TenantDesk knows.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” includes “%2”, which is neither in the import nor a role here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the roles include each other in a cycle: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 appears again (first on line %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the new tenant “%1” has no environment “%2” yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the row names a role but no tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” has no environment “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>there is no role “%1” in “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The attribution rules were changed by someone else since you read them (now version %1). Read them again, then make your change.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the attribution rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applying the attribution rules was cancelled; nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not attribute the billing lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the billing roll-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A billing roll-up holds a cost that is not a decimal number: “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected a month such as 2024-09.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the budgets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected an ISO 4217 currency code such as USD or EUR.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>expected a plain decimal number of at least 0, such as 1200.00 (or nothing to remove the budget).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not save the budget</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The billing import was cancelled; nothing was imported.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the attribution rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stored attribution rules cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tag “%1” now names tenants in the attribution rules.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not record the billing import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not replace the earlier import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replaced import %1 of the same file (%2, %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the billing roll-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billed cost per currency: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the billing imports</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the billing import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no billing import %1; it may have been deleted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete the billing import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>parent_id: -1 (every tenant), 0 (top-level tenants) or a tenant&apos;s id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not sum the usage</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqlStore</name>
    <message>
        <source>The database “%1” was closed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database “%1” is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” already holds tenants; demo data goes into an empty database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” already holds a platform with its roles; demo data goes into an empty database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database “%1” was closed while the demo was generated; nothing was kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SQLite driver gave no database handle.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::SqliteLineWriter</name>
    <message>
        <source>The SQLite driver gave no database handle.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The billing lines could not be written: the disk is full or failed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database is locked by another program; close it and import again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write the billing lines.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantAdministration</name>
    <message>
        <source>&amp;New Tenant…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a tenant under the selected one (or at the top level when the platform is selected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Provision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Activate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;uspend…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Decommission…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>De&amp;lete…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore from &amp;Backup…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;Environment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;name Environment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment Se&amp;ttings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remo&amp;ve Environment…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Promote Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Lifecycle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suspend %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suspend “%1”? Its admins and users can no longer sign in until it is resumed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not change the status of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decommission %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start decommissioning “%1”? It cannot be resumed afterwards; it can only be archived, and later restored from its backup.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not decommission %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” and everything it holds will be deleted for good.
Type its slug, %2, to confirm:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not delete %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restore a Tenant from Its Backup</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant backups (*.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not restore the tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read “%1”: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not restore the tenant from “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Environment to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not add the environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename environment %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not rename the environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change settings of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the environment “%1” of “%2”, with its memberships and usage? Undo adds it back with its settings, not its memberships.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not remove the environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to promote</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” has fewer than two environments.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promote settings to %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move “%1”, with its sub-tenants, under %2?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not move %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the platform (as a top-level tenant)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not move the tenant</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantBackup</name>
    <message>
        <source>The file is not a tenant backup: it is not JSON (%1 at byte %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a version number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The backup was written by a newer TenantDesk (format %1; this one reads up to %2). Restore it with that version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an object</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>invited, active or disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>[environment, metric, time, value]</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantCreateDialog</name>
    <message>
        <source>New Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New Sub-tenant of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acme Cloud GmbH</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>acme-cloud</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tenant&apos;s identifier on the platform: lower-case letters, digits and hyphens, dot-separated. It cannot be changed later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Slug:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the platform: a top-level tenant)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Parent:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>acme.example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Environments:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantEditDialog</name>
    <message>
        <source>Edit %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Domain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>en, de, pt-BR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantPage</name>
    <message>
        <source>Identity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slug:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timezone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub-tenants:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User seats:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API rate limit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy and settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Security policy:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feature flags:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Integration:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>requests/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>passwords of %1+ characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 character classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MFA required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MFA optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sessions end after %1 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n allowed network(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>None set (the platform&apos;s defaults)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None of its own (inherited)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2 of %3 checklist steps done)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantSettings</name>
    <message>
        <source>a whole number from %1 to %2 is needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a tenant&apos;s name has 1 to 200 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a domain name such as example.com.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an IANA time zone such as Europe/Berlin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a language tag such as de or en-GB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a network in CIDR notation such as 10.0.0.0/8 or 2001:db8::/32.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” has host bits set; the network is %2/%3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a flag name: lower-case letters, digits and _, starting with a letter, at most 64 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a setting key: letters, digits, _, . and -, starting with a letter, at most 64 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an environment&apos;s name has 1 to 100 characters, without spaces around it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a quota is a whole number from 0 to 1000000000, or empty for no limit; %1 is not.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>requests per minute from 1 to 10000000, or empty for no limit; %1 is not.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>true or false is needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a list of networks in CIDR notation is needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at most 1000 networks.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a network in CIDR notation is needed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown field (known: password_min_length, password_classes, mfa_required, session_timeout_minutes, ip_allow_list).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a flag is true or false.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an integration setting is text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at most 4096 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>an environment setting is text, a number, or true or false.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>each kind of environment at most once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The change names no field to change.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantSettingsDialog</name>
    <message>
        <source>Settings of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quotas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> requests/min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;CPU:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Memory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;torage:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User s&amp;eats:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API &amp;rate limit:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Security policy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many of lower case, upper case, digits and symbols a password must use.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One network per line, e.g. 10.0.0.0/8 or 2001:db8::/32; empty: any address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minimum &amp;password length:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Character &amp;classes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Multi-factor sign-in:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Session &amp;timeout:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IP &amp;allow-list:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feature flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comes from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;Flag…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Integration settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inherit (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inherited from %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set here, overriding %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Feature Flag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag name (e.g. beta_dashboards):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inherit (off)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Someone else changed “%1” since these settings were read. Close this window, look at their change, and edit again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::TenantTreeModel</name>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)
%3 · %4 sub-tenants · %5 environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slug</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl</name>
    <message>
        <source>--scale takes “small” or a number of tenants from 1 to 10000000, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 takes a whole number from 0 to %2, not “%3”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generated %1 tenants, %2 environments, %3 users, %4 roles, %5 memberships, %6 usage samples, %7 billing lines and %8 audit events in %9 s.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLUG</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SUB-TENANTS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ENVIRONMENTS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Slug</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(platform)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Domain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timezone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User seats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API rate limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sub-tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 takes an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--limit takes a whole number from 1 to 1000000, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TENANT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ACTOR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ACTION</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OBJECT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the platform&apos;s own chain</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenant %1 (id %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenant id %1 (no longer there)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verified %1 audit events in %2 chains: every chain is intact.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The audit trail is broken at event %1 in %2: %3.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(%1 events in %2 chains read.)
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the file to import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the realm export: a file, or a folder from kc.sh export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the user&apos;s e-mail address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the e-mail address of at least one user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the role&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the tenant&apos;s slug</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the environment&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the environment&apos;s new name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the backup file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown command “%1”; see tenantctl --help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs %2 (usage: tenantctl %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 takes no argument “%2” (usage: tenantctl %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 does not apply to %2 (usage: tenantctl %3).</source>
        <translation type="unfinished"></translation>
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
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One of the commands above.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no command given; see tenantctl --help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--database is required: a database file or a postgresql:// URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs --%2 %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>environment: %1 has no environment “%2”; it has %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the rules file (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the monthly amount (or none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the currency (USD, EUR, ...)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Admin</name>
    <message>
        <source>%1 takes KEY=VALUE, not “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 takes a whole number or none, not “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at the top level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>under %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 takes --parent SLUG or --top-level, not both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs --parent SLUG or --top-level.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backup: “%1” is a folder; name a file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backup: “%1” exists already; name another file, or pass --force to replace it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backup: the folder “%1” does not exist or is not writable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>backup: could not write “%1”: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--environments: “%1” is not a kind of environment (production, staging, development, sandbox).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created %1, id %2, requested, %3, %4.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>without environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>with %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--flag %1: a flag is on, off or inherit, not “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenants update needs at least one change: --name, --domain, --timezone, --language, a quota, --rate-limit, --flag, --policy, --setting or --unset-setting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing changed: %1 has these values already.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated %1 to version %2:
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 already.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moved %1 %2.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: %1 is %2; use tenants %3 for it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 (it was %3).
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is archived: its decommissioning is complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirm_slug: --confirm “%1” is not the tenant&apos;s slug; type “%2” to delete its data.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is decommissioning.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (SHA-256 %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done before: %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done before: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>archive it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stopped before deleting the data of %1 (--confirm was not given). Still to do: %2.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To continue: tenantctl --database %1 tenants decommission %2 --confirm %2
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is archived.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file: could not read the backup “%1”: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>parent: %1 is archived here, and the backup is restored in its place, where it is; restore it without --parent or --top-level, then use tenants move.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restored %1 from %2 (SHA-256 %3), %4.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in place of the archived tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as a new tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is suspended; to resume it: tenantctl --database %1 tenants resume %2
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted %1, id %2.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KIND</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VERSION</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SETTINGS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--kind: “%1” is not a kind of environment (production, staging, development, sandbox).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added the %1 environment “%2” to %3%4.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Renamed the environment “%1” of %2 to “%3”.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>environments set needs KEY=VALUE or --unset KEY.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>environments set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing changed: the environment “%1” of %2 has these settings already.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed the settings of the environment “%1” of %2:
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirm_name: --confirm “%1” is not the environment&apos;s name; type “%2” to remove it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed the environment “%1” from %2, with the memberships held on it.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>environments promote needs --keys KEY,KEY... or --all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--keys names no setting; give KEY,KEY... or --all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to: an environment is promoted to another one, not to itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>keys: neither “%1” nor “%2” has a setting “%3”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FROM %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>KEY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TO %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dry run: %n setting(s) would change in “%1”; nothing was changed.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to promote: “%1” has the settings of “%2” already.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promoted %n setting(s) from “%1” to “%2”:
</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Billing</name>
    <message>
        <source>Import %1: %2 (%3), %4 lines, %5 unallocated, billed %6 %7
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  imported %1 by %2; charges from %3 to %4; SHA-256 %5
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no file “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--format takes focus, aws-cur, aws-cur2, azure-ea, azure-mca or auto, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--on-duplicate takes refuse, skip or replace, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped %1: the same file was imported before.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  %1 lines attributed to tenants or shared, %2 unallocated, in %3 s
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  replaced import %1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No billing file was imported yet.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>billing delete-import takes an import&apos;s id (a whole number, see billing imports), not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted import %1 (%2): %3 lines and their roll-ups.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--%1 takes a day such as 2024-09-30 or an ISO 8601 time, not “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A total is not a decimal number: “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>billing summary prints either --json or --csv, not both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--by takes tenant, service and month, comma-separated, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--by names each of tenant, service and month at most once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unallocated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>currency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>billed_cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>effective_cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>list_cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shared_billed_cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lines</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No billing cost in this range.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total %1: billed %2, effective %3, list %4 (%n line(s)).
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenant %1 (not found)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribution rules, version %1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant tag keys: %1
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mappings: (none)
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mapping: tag %1 = %2 → %3
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mapping: sub-account %1 → %2
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared cost: (none)
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>service %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sub-account %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>evenly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in proportion to direct cost</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shared cost: %1, spread %2 over %3
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every tenant with direct cost that month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read “%1”: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not a JSON object: %2 at character %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribution rules version %1 applied: %2 lines attributed to tenants, %3 unallocated, %4 shared.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no monthly budget in %2 now.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: a monthly budget of %2 %3.
</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Import</name>
    <message>
        <source>file: could not read “%1”: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 user(s) created, %2 existing user(s) given memberships, %3 role(s) created, %4 membership(s) created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (tenant %1%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, new</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked %1%2: nothing wrong; it would make %3. Nothing was written (--dry-run).
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported %1%2: %3.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the import was refused with %n problem(s); nothing was written:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file: there is no file or folder “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file: “%1” holds no Keycloak realm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output: could not write to standard output.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>output: could not write “%1”: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %n user(s) to %1.
</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Report</name>
    <message>
        <source>--%1 takes an ISO 8601 date or time such as 2026-03-01 or 2026-03-01T12:00:00Z, not “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>billing report needs --pdf FILE, --xlsx FILE or --output FILE.csv (or several).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Billing report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, %2 to %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrote %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No billing data matches: the report has no rows.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::Tenantctl::Users</name>
    <message>
        <source>email: there is no user with the e-mail address “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: there is no role “%2” %3; there are %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>outside a tenant (a tenant&apos;s custom roles need --tenant SLUG)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--environment needs --tenant SLUG: an environment belongs to a tenant.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--status takes %1, not “%2”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>platform: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2 (inherited)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>role: “%1” is a role of %2, which %3 inherits; change it with --tenant %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-MAIL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>LAST SIGN-IN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--sort takes name, email, status, last-sign-in or created, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>users list takes --limit N or --all, not both.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--limit takes a whole number from 1 to 100000000, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(the first %1 users; more match: --limit N or --all for more)
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform roles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (a platform principal)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memberships</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memberships:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>also applies to %n sub-tenant(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>users create takes --tenant SLUG and --role NAME together, for the user&apos;s first membership.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created %1, id %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, with “%1” on %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>users update needs --name NAME, --email NEW or --status STATUS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name: “%1” → “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e-mail: %1 → %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status: %1 → %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing changed: %1 is so already.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed %1:
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disabled %n user(s): %1.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enabled %n user(s): %1.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s) disabled already: %1.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s) active already: %1.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 needs --tenant SLUG: the tenant the role is held on.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Granted “%1” on %2 to %n user(s): %3.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Took “%1” on %2 away from %n user(s): %3.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s) held it already: %1.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s) did not hold it there: %1.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moved the memberships of %n user(s) from %1 to %2, roles kept: %3.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n user(s) had no membership on %1: %2.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds no permission on %2.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Permissions of %1 on %2, and what grants each:
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>built-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SCOPE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OWNER</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PERMISSIONS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>includes %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--scope takes tenant or environment, not “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created the %1 role “%2” of %3, id %4: %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no permissions of its own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>; includes %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>roles update needs --name, --description, --permission or --include.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>description: “%1” → “%2”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>permissions: %1 → %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>includes: %1 → %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing changed: the role “%1” of %2 is so already.
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed the role “%1” of %2:
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirm: --confirm “%1” is not the role&apos;s name; type “%2” to delete it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted the role “%1” of %2.
</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsageComparisonModel</name>
    <message>
        <source>Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whole range</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsagePage</name>
    <message>
        <source>%1 cores</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 seats</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Metric:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mo&amp;nth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quarter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Top:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number of tenants compared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reset Zoom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the whole range again (0). On the chart: drag to zoom in, Shift+drag or the arrow keys to pan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;Table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The values behind the chart, one row per hour (Ctrl+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show all metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every metric at once, as small charts over the same range</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export Chart…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the chart as PNG, SVG or PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry reading the usage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drag to zoom in, Shift+drag or arrow keys to pan, 0 to reset</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the usage: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — peak %2 % of quota</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage of %1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage across the platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quota: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top %1 tenants by %2, month by month (stacked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top %1 tenants by %2 (monthly means)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1, %2: %3 %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tenant has %1 between %2 and %3 UTC.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to %2 (UTC); the largest first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 to %2 UTC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No %1 recorded from %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: peak %2 at %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — peak %1 % of quota (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — no quota for this metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — the tenant has no quota for this</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 UTC
%2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
%1 % of the quota (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show &amp;Chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not write %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file ending in .png, .svg or .pdf.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export Chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>usage.png</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsageSeriesModel</name>
    <message>
        <source>CPU hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory (GB hours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage (GB)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error rate (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hour (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quota</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Of quota</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserConflictDialog</name>
    <message>
        <source>%1 was changed by someone else</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>While you were editing, “%1” was changed (now version %2, you started from version %3). Compare the values, then apply your change to the current version or keep the current one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When you started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Apply my change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keep theirs</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserEditorDialog</name>
    <message>
        <source>Invite again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Activate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>this environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>the tenant; also applies to %n sub-tenant(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>the tenant (no sub-tenants)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Display &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the changes a user&apos;s status allows are offered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sign-in:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memberships (added and removed at once)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applies to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add Membership…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove Membership</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove Membership</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the role %1 on %2 away from %3?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a &amp;first membership</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;reate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit User — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform principal: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (unchanged)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>whole tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memberships: none (added and removed at once)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Memberships: %n (added and removed at once)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a tenant and a role for the first membership, or leave it out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Membership — %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A role on a whole tenant also applies to its sub-tenants.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give %1 the role %2 on %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take the role %1 on %2 from %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserMerger</name>
    <message>
        <source>%1 is named “%2” here but “%3” at %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 here but %3 at %4.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::UserTableModel</name>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1
Platform principal: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Click to sort every user by this column (the store sorts, not only the rows shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::UsersPage</name>
    <message>
        <source>Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retr&amp;y</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retry reading the users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not read the users: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New User…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a user, invited, with a first membership (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit the user&apos;s profile, status and memberships (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable the selected users: they can no longer sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;nable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make the selected users active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Assign Role…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the selected users a role on a tenant or environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove Role…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Take a role on a tenant or environment away from the selected users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Move to…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move the selected users&apos; memberships from one tenant or environment to another</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import users from CSV, JSON or a Keycloak realm export, previewed and checked first (Ctrl+I)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the users matching the filters, with their memberships, as CSV or JSON (Ctrl+Shift+E)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Effective &amp;Permissions…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the selected user may do on a tenant, and which membership and role grants each permission</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search users by name or e-mail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search by name or e-mail (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>S&amp;tatus:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tenant slug filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any tenant (slug)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This te&amp;nant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only the tenant the page was opened for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Environment filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a tenant first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>En&amp;vironment:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This te&amp;nant (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Users of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No tenant has the slug “%1”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (custom)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No database open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown; loading more…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown; the rest could not be read.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) shown (&lt;a href=&quot;more&quot;&gt;more…&lt;/a&gt;)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>No users match the filters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n user(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n selected.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created %1 (%2), %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Imported: %n new user(s), %1 membership(s).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>tenant %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>environment %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>role %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>status %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name or e-mail containing “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Give %n selected user(s) a role on:</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Take a role away from %n selected user(s) on:</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Assign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Move the memberships of %n selected user(s), roles kept. Users with no membership where they are moved from are left as they are.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disable Users</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Disable %n user(s)? They can no longer sign in.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Take the role away from %n user(s)?</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move the memberships of %n user(s)?</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Changing %n user(s)…</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled: nothing was changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing was changed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Disable %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enable %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Invite %n user(s) again</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Assign %1 to %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %1 from %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Move %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restore the status of %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Disabled %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already disabled</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enabled %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already active</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Invited %n user(s) again</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already invited</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Restored the status of %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unchanged</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Gave %n user(s) the role %1 on %2</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n already held it</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Took the role %1 on %2 from %n user(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n did not hold it</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Moved %n user(s) from %1 to %2</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n had no membership there</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1; %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantDesk::WelcomePage</name>
    <message>
        <source>Welcome to TenantDesk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administer the tenants of a multi-tenant platform: their sub-tenants and environments, users and roles, usage and billing. Start with the demo platform, a new empty database, a database file you have, or a TenantDesk server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the demo platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New empty database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a database file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to a server…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent databases:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TenantStatus</name>
    <message>
        <source>Requested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Provisioning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decommissioning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Archived</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>User</name>
    <message>
        <source>Invited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>UserAdmin</name>
    <message>
        <source>an e-mail address is required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address (no surrounding spaces, at most 254 characters).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not an e-mail address (expected name@example.com).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a name is required.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at most 200 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a role needs a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no spaces before or after the name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at most 100 characters.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>httplib</name>
    <message>
        <source>There is no such resource.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Administer the tenants of a multi-tenant platform.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the demo platform (generated on first use).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the TenantDesk database file &lt;path&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect to the TenantDesk server at &lt;url&gt; (asks for the password).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With --server: sign in as &lt;email&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A TenantDesk database file to open, as with --database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenantdesk: unexpected argument “%1”; one database file at a time, see --help.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenantdesk: choose one of --demo, --database, --server and a database file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tenantdesk: --email goes with --server.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>std</name>
    <message>
        <source>The certificate you trusted for %1 is no longer valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server %1 presented a certificate that is not trusted. Its SHA-256 fingerprint is %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server %1 presented a different certificate from the one you trusted (SHA-256 %2): it may have been renewed, or someone may be intercepting the connection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your session on %1 has ended; sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The e-mail address or password is not right.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You may not do this on %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server has no such object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Someone else changed this since you read it; compare and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the request as malformed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server asked for a version check that TenantDesk did not send.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is busy; try again in %n second(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server is busy; try again in a moment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server sent TenantDesk elsewhere (%1); connect to that address instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server %1 is not available; try again in %n second(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server %1 is not available; try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused the request (HTTP %1).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>tenantctl</name>
    <message>
        <source>fill a new database with demo data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>list the top-level tenants or a tenant&apos;s sub-tenants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>show one tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>create a tenant (requested) with one environment of each kind named</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>change a tenant in one versioned edit; policy keys: password_min_length,
password_classes, mfa_required, session_timeout_minutes, ip_allow_list=CIDR,CIDR
(KEY= with no value removes a key)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>move a tenant and its sub-tree under another parent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>requested → provisioning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>provisioning → active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active → suspended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>suspended → active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>retire a suspended tenant: back it up to FILE, work through the checklist,
delete its data (only with --confirm SLUG) and archive it; run again to continue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>restore a backup, suspended: over its archived tenant, or as a new one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delete a requested or archived tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a tenant&apos;s environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>add an environment (production, staging, development or sandbox)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rename an environment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>change an environment&apos;s settings (numbers and true/false are read as such)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>remove an environment and the memberships held on it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>copy settings from one environment to another (--all: make the target&apos;s
settings the source&apos;s); --dry-run shows the differences and changes nothing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>users, the first 100 by name unless --limit or --all; --tenant: members of the
tenant or its environments; --search: in the name or e-mail address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one user: profile, platform roles, memberships and what they also apply to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>create a user (invited unless --status active), with a first membership</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>change a user&apos;s name, e-mail address or status in one versioned edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disable users, all in one change or none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>make users active again, all in one change or none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>grant users a role on a tenant or one of its environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>take a role on a tenant or environment away from users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>move users&apos; memberships to another tenant or environment, roles kept;
one user that cannot move stops them all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a user&apos;s effective permissions on a tenant, each with the memberships and
roles that grant it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the built-in roles, and the custom roles usable on a tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>create a custom role of a tenant; --include makes it composite</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>change a custom role; --permission and --include replace the lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delete a custom role that nobody holds and no role includes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>grant a role to users on a tenant or one of its environments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import users and memberships from CSV (email, display_name, status, tenant,
environment, role); rows without a tenant go to --tenant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import users and memberships from JSON; each problem is named by line and
field, and nothing is written while any remains; --dry-run checks only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import a Keycloak realm export (a file, or a folder from kc.sh export) as a
new tenant per realm, with a report of what was mapped and skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>users and their memberships as CSV, as import csv reads them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>users and their memberships as JSON, as import json reads them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the newest audit events (50 unless --limit); --action takes an action or
a prefix ending in “.” (tenant.); times are ISO 8601, UTC unless an offset is given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>check the audit trail&apos;s hash chains; exit status 1 names the first broken link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the billing review as a report: totals by tenant, service and month, month over
month, budgets, and in the PDF a chart; --output takes its format from the suffix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TenantDesk database: a file, sqlite:FILE or postgresql://USER@HOST:PORT/DATABASE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print JSON instead of text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With demo: “small” or a number of tenants.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With demo: how many users (default: 300 for small, ten per tenant otherwise).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With demo: days of hourly usage samples (default 90).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The parent tenant&apos;s slug.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With tenants move and restore: at the top level.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tenant&apos;s or user&apos;s display name; with roles update, the role&apos;s new name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tenant&apos;s domain (empty for none).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tenant&apos;s IANA time zone (Europe/Berlin).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tenant&apos;s language (de, en-GB).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With tenants create: the kinds of environment to create, comma-separated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CPU cores quota, or none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory quota in GB, or none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage quota in GB, or none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User seats quota, or none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API requests per minute, or none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A feature flag: NAME=on, off or inherit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A security policy field: KEY=VALUE (KEY= removes it).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A setting: KEY=VALUE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With tenants update: remove an integration setting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With tenants decommission: the backup file to write.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With tenants decommission: overwrite an existing backup file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With tenants decommission: how the users were told.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The slug (or environment or role name) typed again, to delete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With environments add: production, staging, development or sandbox.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With environments set: remove a setting.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With environments promote: the settings, comma-separated.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With environments promote: every setting either environment has; with users list: every user that matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With environments promote: show the differences, change nothing; with import: check only, write nothing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With export: the file to write (default: standard output).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A tenant&apos;s slug: with audit, only its events; with users and roles, the tenant they are members or roles of.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With audit list: only this actor&apos;s events.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With audit list: this action, or a prefix ending in “.”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With audit list: events at or after this time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With audit list: events before this time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With audit list: events whose object, actor or values contain this text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With audit list: how many events (default 50); with users list: how many users (default 100).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With users and roles: an environment of --tenant, by name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With users: a role, by name (built in, or a custom role of --tenant or its ancestors).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With users: invited, active or disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With users list: users whose name or e-mail address contains this text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With users list: name, email, status, last-sign-in or created.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With users list: sort in descending order.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With users update: the new e-mail address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With roles create: tenant (the default) or environment.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With roles: a permission (resource.action), repeated or comma-separated; none for none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With roles: a role the role includes, repeated; none for none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With roles: what the role is for.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With billing report: the PDF file to write.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With billing report: the XLSX file to write.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import a billing export (FOCUS, AWS CUR, Azure cost details; plain, .gz or .zip)
in one transaction, its lines attributed to tenants by the rules; --tenant-tag adds
a tag whose value is a tenant&apos;s slug to the rules; the same file again is refused
unless --on-duplicate skip or replace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the billing imports, newest first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delete an import with its lines and roll-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cost summed exactly by any of tenant, service and month (and always currency),
from the roll-ups; shares of shared cost count in their tenant&apos;s sums, cost of no
tenant is “(unallocated)”; --to is the last day included</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the attribution rules; with --json the document billing rules set reads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>store attribution rules from a JSON file and apply them again to every billing
line; a file with a &quot;version&quot; is refused when the rules changed since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>set a tenant&apos;s monthly budget in a currency; AMOUNT none removes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With environments promote: the source environment; with users move: SLUG or SLUG/ENVIRONMENT; with billing summary: the first day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With environments promote: the target environment; with users move: SLUG or SLUG/ENVIRONMENT; with billing summary: the last day.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With billing import: the file&apos;s format (focus, aws-cur, aws-cur2, azure-ea, azure-mca); detected from the header otherwise.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With billing import: a tag key whose value is a tenant&apos;s slug (added to the attribution rules).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With billing import: what to do when the same file was imported before: refuse (the default), skip or replace.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With billing summary: group by tenant, service and month, comma-separated (default: tenant).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>With billing summary: print CSV.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
