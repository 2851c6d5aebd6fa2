#include "ExportDialog.h"
#include "ImportDialog.h"
#include "MainWindow.h"
#include "SqlStore.h"
#include "TestSupport.h"
#include "UserFile.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

#include <algorithm>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

template<typename T>
T* child(const QObject& parent, const QString& name)
{
    auto* found = parent.findChild<T*>(name);
    if (!found)
        qFatal("no child %s", qPrintable(name));
    return found;
}

QList<User> storeUsers(Store& store, UserQuery query)
{
    QList<User> users;
    query.limit = maximumPageSize;
    for (;;) {
        const Page<User> page = await(store.users(query));
        users += page.items;
        if (page.isLast())
            return users;
        query.cursor = page.nextCursor;
    }
}

std::optional<User> userByEmail(Store& store, const QString& email)
{
    for (const User& user : storeUsers(store, {.text = email})) {
        if (user.email.compare(email, Qt::CaseInsensitive) == 0)
            return user;
    }
    return std::nullopt;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& data)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

// The issues table's rows as "line|field".
QStringList issueRows(const QTableWidget& table)
{
    QStringList rows;
    for (int row = 0; row < table.rowCount(); ++row)
        rows.append(table.item(row, ImportDialog::IssueLineColumn)->text() + u'|'
                    + table.item(row, ImportDialog::IssueFieldColumn)->text());
    return rows;
}

// A user's memberships as "tenant|environment|role", sorted.
QStringList membershipKeys(const QList<UserMembership>& memberships)
{
    QStringList keys;
    for (const UserMembership& m : memberships)
        keys.append(m.tenantSlug + u'|' + m.environmentName + u'|' + m.roleName);
    keys.sort();
    return keys;
}

QStringList membershipKeys(const ImportUser& user, const QString& defaultTenant)
{
    QStringList keys;
    for (const ImportMembership& m : user.memberships)
        keys.append((m.tenantSlug.isEmpty() ? defaultTenant : m.tenantSlug) + u'|' + m.environmentName + u'|' + m.roleName);
    keys.sort();
    return keys;
}

} // namespace

class TestImportDialog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;
    Tenant m_tenant; // a tenant of the demo with members

    // A dialog reading `path`, shown, at its preview once every check has answered.
    std::unique_ptr<ImportDialog> previewOf(ImportFormat format, const QString& path, const QString& tenantSlug = {})
    {
        auto dialog = std::make_unique<ImportDialog>(m_store.get());
        dialog->setFormat(format);
        dialog->setPath(path);
        dialog->setDefaultTenantSlug(tenantSlug);
        dialog->show();
        if (!QTest::qWaitForWindowExposed(dialog.get()))
            return nullptr;
        QSignalSpy ready(dialog.get(), &ImportDialog::previewReady);
        QTest::mouseClick(child<QPushButton>(*dialog, u"previewButton"_s), Qt::LeftButton);
        if (!ready.wait(30000) || dialog->step() != ImportDialog::Step::Preview)
            return nullptr;
        return dialog;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
        for (const Tenant& tenant : await(m_store->tenants({.limit = maximumPageSize})).items) {
            if (!await(m_store->memberships({.tenantId = tenant.id, .limit = 1})).items.isEmpty()) {
                m_tenant = tenant;
                break;
            }
        }
        QVERIFY(m_tenant.id != 0);
    }

    void cleanupTestCase() { m_store.reset(); }

    // File → Import Users… is Ctrl+I and Export Users… Ctrl+Shift+E, usable once a database is open.
    void menuEntries()
    {
        MainWindow window;
        auto* importAction = window.findChild<QAction*>(u"importUsersMenuAction"_s);
        auto* exportAction = window.findChild<QAction*>(u"exportUsersMenuAction"_s);
        QVERIFY(importAction && exportAction);
        QCOMPARE(importAction->shortcut(), QKeySequence(u"Ctrl+I"_s));
        QCOMPARE(exportAction->shortcut(), QKeySequence(u"Ctrl+Shift+E"_s));
        QVERIFY(!importAction->isEnabled());
    }

    // A CSV with a bad e-mail and an unknown role: both issues with their lines, Import disabled
    // with the reason said, and nothing in the store, even when Import is asked for anyway.
    void csvWithIssuesIsRefusedByLine()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, u"issues.csv"_s,
            "email,display_name,status,tenant,environment,role\n"
            "fine.person@import-issues.example,Fine Person,active,,,Tenant User\n"
            "not-an-address,Bad Address,active,,,Tenant User\n"
            "wizard@import-issues.example,Wizard,active,,,Grand Wizard\n");
        auto dialog = previewOf(ImportFormat::Csv, path, m_tenant.slug);
        QVERIFY(dialog);

        auto* issues = child<QTableWidget>(*dialog, u"issuesTableWidget"_s);
        const QStringList rows = issueRows(*issues);
        QVERIFY2(rows.contains(u"3|email"_s), qPrintable(rows.join(u", "_s)));
        QVERIFY2(rows.contains(u"4|role"_s), qPrintable(rows.join(u", "_s)));
        for (int row = 0; row < issues->rowCount(); ++row) {
            if (issues->item(row, ImportDialog::IssueLineColumn)->text() == u"4"_s)
                QVERIFY(issues->item(row, ImportDialog::IssueMessageColumn)->text().contains(u"Grand Wizard"_s));
        }
        // Sorted by line; a header click sorts the other way.
        QVERIFY(issues->isSortingEnabled());
        issues->sortByColumn(ImportDialog::IssueLineColumn, Qt::DescendingOrder);
        QCOMPARE(issues->item(0, ImportDialog::IssueLineColumn)->text(), u"4"_s);

        // Double-click copies the issue.
        const QRect cell = issues->visualItemRect(issues->item(0, ImportDialog::IssueMessageColumn));
        QTest::mouseClick(issues->viewport(), Qt::LeftButton, {}, cell.center());
        QTest::mouseDClick(issues->viewport(), Qt::LeftButton, {}, cell.center());
        QVERIFY2(QGuiApplication::clipboard()->text().contains(u"Line 4, role"_s), qPrintable(QGuiApplication::clipboard()->text()));

        auto* importButton = child<QPushButton>(*dialog, u"importButton"_s);
        QVERIFY(!importButton->isEnabled());
        QVERIFY(!dialog->importBlockedReason().isEmpty());
        QCOMPARE(child<QLabel>(*dialog, u"previewStatusLabel"_s)->text(), dialog->importBlockedReason());
        QVERIFY(dialog->importBlockedReason().contains(u"issue"_s));

        dialog->runImport();
        QCOMPARE(dialog->step(), ImportDialog::Step::Preview);
        QTest::qWait(100);
        QVERIFY(!userByEmail(*m_store, u"fine.person@import-issues.example"_s));
        QVERIFY(!userByEmail(*m_store, u"wizard@import-issues.example"_s));
    }

    // A clean CSV: the preview counts what would be written (and writes nothing); Import writes it
    // and the users are in the store with their memberships; the report can be copied.
    void cleanCsvPreviewsThenImports()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, u"clean.csv"_s,
            "email,display_name,status,tenant,environment,role\n"
            "ada@import-clean.example,Ada Clean,active,,,Tenant User\n"
            "ada@import-clean.example,,,,,Tenant Viewer\n"
            "bo@import-clean.example,\"Clean, Bo\",invited,,,Tenant Admin\n");
        auto dialog = previewOf(ImportFormat::Csv, path, m_tenant.slug);
        QVERIFY(dialog);
        QCOMPARE(dialog->previewReports().size(), 1);
        const ImportReport preview = dialog->previewReports().constFirst();
        QVERIFY2(preview.issues.isEmpty(), qPrintable(preview.issues.value(0).message));
        QCOMPARE(preview.usersCreated, 2);
        QCOMPARE(preview.usersExisting, 0);
        QCOMPARE(preview.membershipsCreated, 3);
        QCOMPARE(child<QTableWidget>(*dialog, u"usersTableWidget"_s)->rowCount(), 2);
        QVERIFY(child<QLabel>(*dialog, u"countsLabel"_s)->text().contains(u"<b>3</b> membership"_s));
        QVERIFY(!userByEmail(*m_store, u"ada@import-clean.example"_s)); // a preview writes nothing

        auto* importButton = child<QPushButton>(*dialog, u"importButton"_s);
        QVERIFY(importButton->isEnabled());
        QSignalSpy imported(dialog.get(), &ImportDialog::imported);
        QTest::mouseClick(importButton, Qt::LeftButton);
        QVERIFY(imported.wait(30000));
        QCOMPARE(dialog->step(), ImportDialog::Step::Report);
        QCOMPARE(dialog->finalReports().size(), 1);
        QVERIFY(dialog->finalReports().constFirst().written);
        QCOMPARE(dialog->finalReports().constFirst().tenantId, m_tenant.id);

        const std::optional<User> ada = userByEmail(*m_store, u"ada@import-clean.example"_s);
        const std::optional<User> bo = userByEmail(*m_store, u"bo@import-clean.example"_s);
        QVERIFY(ada && bo);
        QCOMPARE(bo->displayName, u"Clean, Bo"_s);
        QCOMPARE(membershipKeys(await(m_store->user(ada->id)).memberships),
                 QStringList({m_tenant.slug + u"||Tenant User"_s, m_tenant.slug + u"||Tenant Viewer"_s}));
        QCOMPARE(membershipKeys(await(m_store->user(bo->id)).memberships), QStringList({m_tenant.slug + u"||Tenant Admin"_s}));

        QVERIFY(dialog->reportText().contains(u"Users created: 2"_s));
        QTest::mouseClick(child<QPushButton>(*dialog, u"copyReportButton"_s), Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), dialog->reportText());
    }

    // An unreadable file and invalid JSON are named on the first step; nothing is previewed.
    void unreadableFilesAreNamed()
    {
        QTemporaryDir dir;
        const QString broken = writeFile(dir, u"broken.json"_s, "{\"users\": [ {\"email\": ");
        auto dialog = std::make_unique<ImportDialog>(m_store.get());
        dialog->setFormat(ImportFormat::Json);
        dialog->setPath(broken);
        dialog->setDefaultTenantSlug(m_tenant.slug);
        QSignalSpy steps(dialog.get(), &ImportDialog::stepChanged);
        dialog->preview();
        QVERIFY(QTest::qWaitFor([&]() { return dialog->step() == ImportDialog::Step::Source && steps.count() >= 2; }, 30000));
        QVERIFY2(dialog->sourceError().contains(u"broken.json"_s), qPrintable(dialog->sourceError()));

        dialog->setPath(dir.filePath(u"missing.csv"_s));
        dialog->setFormat(ImportFormat::Csv);
        steps.clear();
        dialog->preview();
        QVERIFY(QTest::qWaitFor([&]() { return dialog->step() == ImportDialog::Step::Source && steps.count() >= 2; }, 30000));
        QVERIFY2(dialog->sourceError().contains(u"missing.csv"_s) && dialog->sourceError().contains(u"does not exist"_s),
                 qPrintable(dialog->sourceError()));
    }

    // The Keycloak sample: 7 users, 19 roles, 13 memberships with the reader's notes; imported as
    // the new tenant "test". Read again, its slug is taken: Import is disabled until another is given.
    void keycloakSampleImportsAsNewTenant()
    {
        const QString sample = QStringLiteral(TENANTDESK_SHARED_DATA_DIR "/keycloak/testrealm.json");
        auto dialog = previewOf(ImportFormat::Keycloak, sample);
        QVERIFY(dialog);
        QCOMPARE(dialog->imports().size(), 1);
        const DirectoryImport realm = dialog->imports().constFirst();
        QVERIFY(realm.createTenant);
        QCOMPARE(realm.tenantSlug, u"test"_s);
        const ImportReport preview = dialog->previewReports().constFirst();
        QVERIFY2(preview.issues.isEmpty(), qPrintable(preview.issues.value(0).message));
        QCOMPARE(preview.usersCreated, 7);
        QCOMPARE(preview.rolesCreated, 19);
        QCOMPARE(preview.membershipsCreated, 13);
        auto* notes = child<QListWidget>(*dialog, u"notesListWidget"_s);
        QCOMPARE(notes->count(), int(realm.notes.size()));
        QVERIFY(notes->count() > 0);
        QCOMPARE(child<QTableWidget>(*dialog, u"usersTableWidget"_s)->rowCount(), 7);
        QVERIFY(QTest::qWaitFor([&]() { return child<QPushButton>(*dialog, u"importButton"_s)->isEnabled(); }, 5000));

        QSignalSpy imported(dialog.get(), &ImportDialog::imported);
        dialog->runImport();
        QVERIFY(imported.wait(30000));
        const Tenant tenant = await(m_store->tenantBySlug(u"test"_s));
        QCOMPARE(dialog->finalReports().constFirst().tenantId, tenant.id);
        QCOMPARE(storeUsers(*m_store, {.tenantId = tenant.id}).size(), 7);
        QCOMPARE(await(m_store->memberships({.tenantId = tenant.id, .limit = maximumPageSize})).items.size(), 13);

        // Again: the slug is taken, and the store says so; another slug makes it importable.
        auto again = previewOf(ImportFormat::Keycloak, sample);
        QVERIFY(again);
        QVERIFY(!child<QPushButton>(*again, u"importButton"_s)->isEnabled());
        QVERIFY(issueRows(*child<QTableWidget>(*again, u"issuesTableWidget"_s)).contains(u"file|tenant"_s));
        QSignalSpy ready(again.get(), &ImportDialog::previewReady);
        auto* slug = child<QLineEdit>(*again, u"slugLineEdit"_s);
        slug->selectAll();
        QTest::keyClicks(slug, u"test-again"_s);
        QVERIFY(ready.wait(5000));
        QCOMPARE(again->imports().constFirst().tenantSlug, u"test-again"_s);
        QVERIFY2(again->importBlockedReason().isEmpty(), qPrintable(again->importBlockedReason()));
        QCOMPARE(again->previewReports().constFirst().usersExisting, 7); // the users are there already
        QCOMPARE(again->previewReports().constFirst().usersCreated, 0);
        QVERIFY(child<QPushButton>(*again, u"importButton"_s)->isEnabled());
    }

    // A tenant's users exported as CSV read back with readUsersCsv to the same users and memberships.
    void exportOfATenantReadsBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"users.csv"_s);
        ExportDialog dialog(m_store.get());
        dialog.setTenantSlug(m_tenant.slug);
        QCOMPARE(dialog.scope(), ExportDialog::Scope::Tenant);
        dialog.setFormat(ExportFormat::Csv);
        dialog.setPath(path);
        QSignalSpy finished(&dialog, &ExportDialog::finished);
        dialog.startExport();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.constFirst().constFirst().toBool(), true);

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const DirectoryImport read = readUsersCsv(file.readAll(), path, {});
        QVERIFY2(read.issues.isEmpty(), qPrintable(read.issues.value(0).message));
        const QList<User> expected = storeUsers(*m_store, {.tenantId = m_tenant.id});
        QVERIFY(!expected.isEmpty());
        QCOMPARE(read.users.size(), expected.size());
        QCOMPARE(dialog.exportedUserCount(), int(expected.size()));
        QHash<QString, ImportUser> byEmail;
        for (const ImportUser& user : read.users)
            byEmail.insert(user.email, user);
        for (const User& user : expected) {
            QVERIFY2(byEmail.contains(user.email), qPrintable(user.email));
            const ImportUser& back = byEmail.value(user.email);
            QCOMPARE(back.displayName, user.displayName);
            QCOMPARE(back.status, user.status);
            QCOMPARE(membershipKeys(back, {}), membershipKeys(await(m_store->user(user.id)).memberships));
        }
    }

    // Cancelling an export leaves the file that was there as it was.
    void cancelledExportWritesNothing()
    {
        QTemporaryDir dir;
        const QString path = writeFile(dir, u"users.json"_s, "kept");
        ExportDialog dialog(m_store.get());
        dialog.setScope(ExportDialog::Scope::Platform);
        dialog.setFormat(ExportFormat::Json);
        dialog.setPath(path);
        QSignalSpy finished(&dialog, &ExportDialog::finished);
        dialog.startExport();
        QVERIFY(dialog.isRunning());
        dialog.cancelExport();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.constFirst().constFirst().toBool(), false);
        QTest::qWait(300); // answers still on their way change nothing
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("kept"));
        QVERIFY(dialog.message().contains(u"nothing was written"_s));
    }
};

QTEST_MAIN(TestImportDialog)
#include "tst_importdialog.moc"
