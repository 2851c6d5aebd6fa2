// Edit Tenant offscreen over a real database: a change is saved as one new version, a refused
// value is named beside its field, and a change made meanwhile by someone else (a second store
// on the same file) brings up both versions, from which the person applies theirs or keeps the
// other.

#include "SqlStore.h"
#include "TenantEditDialog.h"
#include "TestSupport.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QTimer>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

class TestTenantEdit : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<SqlStore> m_mine;   // the console's store
    std::unique_ptr<SqlStore> m_theirs; // someone else, on the same database

    Tenant firstTenant() { return await(m_mine->tenants({.limit = 1})).items.constFirst(); }

    static void clickSave(TenantEditDialog& dialog)
    {
        dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Save)->click();
    }

    // Answers the conflict dialog, from inside its event loop, with the button `buttonName`;
    // records the rows it showed (field → your change, now stored, when you started).
    struct ConflictAnswer {
        QTimer timer;
        QHash<QString, QStringList> rows;
        bool answered = false;
    };
    static void answerConflict(TenantEditDialog& dialog, ConflictAnswer& answer, const QString& buttonName)
    {
        answer.timer.setInterval(20);
        QObject::connect(&answer.timer, &QTimer::timeout, &dialog, [&dialog, &answer, buttonName]() {
            auto* conflict = dialog.findChild<ConflictDialog*>();
            if (!conflict || !conflict->isVisible())
                return;
            QTableWidget* table = conflict->table();
            for (int row = 0; row < table->rowCount(); ++row) {
                answer.rows.insert(table->item(row, 0)->text(),
                                   {table->item(row, 1)->text(), table->item(row, 2)->text(), table->item(row, 3)->text()});
            }
            answer.timer.stop();
            answer.answered = true;
            conflict->findChild<QPushButton*>(buttonName)->click();
        });
        answer.timer.start();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_path = copyFixture(smallDemoFixture(), m_dir);
        m_mine = std::make_unique<SqlStore>(m_path);
        m_theirs = std::make_unique<SqlStore>(m_path);
        await(m_mine->open(OpenMode::OpenExisting));
        await(m_theirs->open(OpenMode::OpenExisting));
        m_theirs->setActor(u"someone-else@platform.test"_s);
    }

    void cleanupTestCase()
    {
        m_mine.reset();
        m_theirs.reset();
    }

    void savesOneVersionAndNamesRefusedFields()
    {
        const Tenant before = firstTenant();
        TenantEditDialog dialog(m_mine.get(), before);
        dialog.show();
        QVERIFY(dialog.change().isEmpty());

        auto* domain = dialog.findChild<QLineEdit*>(u"domainEdit"_s);
        domain->setText(u"not a domain"_s);
        clickSave(dialog);
        auto* domainError = dialog.findChild<QLabel*>(u"domainError"_s);
        QTRY_VERIFY(domainError->isVisible());
        QVERIFY2(domainError->text().contains(u"domain"_s), qPrintable(domainError->text()));
        QVERIFY(dialog.isVisible());
        QCOMPARE(await(m_mine->tenant(before.id)).version, before.version);

        domain->setText(u"renamed.example.com"_s);
        dialog.findChild<QLineEdit*>(u"nameEdit"_s)->setText(before.displayName + u" Group"_s);
        dialog.findChild<QComboBox*>(u"timezoneCombo"_s)->setCurrentText(u"Europe/Berlin"_s);
        clickSave(dialog);
        QTRY_VERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(domainError->isHidden());

        const Tenant after = await(m_mine->tenant(before.id));
        QCOMPARE(after.version, before.version + 1);
        QCOMPARE(after.displayName, before.displayName + u" Group"_s);
        QCOMPARE(after.domain, u"renamed.example.com"_s);
        QCOMPARE(after.timezone, u"Europe/Berlin"_s);
        QCOMPARE(after.language, before.language);
        QCOMPARE(dialog.saved().version, after.version);
        const AuditEvent event = await(m_mine->auditEvents({.tenantId = before.id, .limit = 1})).items.constFirst();
        QCOMPARE(event.after.value(u"display_name"_s).toString(), after.displayName);
    }

    void conflictShowsBothVersionsAndAppliesMine()
    {
        const Tenant read = firstTenant();
        TenantChange theirs;
        theirs.displayName = u"Renamed by someone else"_s;
        const Tenant current = await(m_theirs->updateTenant(read.id, theirs, read.version));

        TenantEditDialog dialog(m_mine.get(), read);
        dialog.show();
        dialog.findChild<QLineEdit*>(u"languageEdit"_s)->setText(u"de"_s);
        ConflictAnswer answer;
        answerConflict(dialog, answer, u"applyMineButton"_s);
        clickSave(dialog);
        QTRY_VERIFY(answer.answered);
        QTRY_VERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));

        // Both sides of each field that either touched: mine, theirs (now stored), as read.
        QCOMPARE(answer.rows.value(u"Language"_s), (QStringList{u"de"_s, read.language, read.language}));
        QCOMPARE(answer.rows.value(u"Name"_s).value(1), current.displayName);
        QCOMPARE(answer.rows.value(u"Name"_s).value(2), read.displayName);
        QVERIFY(!answer.rows.contains(u"Domain"_s));

        // My change on top of theirs: nothing of theirs lost.
        const Tenant after = await(m_mine->tenant(read.id));
        QCOMPARE(after.version, current.version + 1);
        QCOMPARE(after.language, u"de"_s);
        QCOMPARE(after.displayName, current.displayName);
    }

    void conflictKeepsTheirs()
    {
        const Tenant read = firstTenant();
        TenantChange theirs;
        theirs.domain = u"theirs.example.com"_s;
        const Tenant current = await(m_theirs->updateTenant(read.id, theirs, read.version));

        TenantEditDialog dialog(m_mine.get(), read);
        dialog.show();
        dialog.findChild<QLineEdit*>(u"domainEdit"_s)->setText(u"mine.example.com"_s);
        ConflictAnswer answer;
        answerConflict(dialog, answer, u"keepTheirsButton"_s);
        clickSave(dialog);
        QTRY_VERIFY(answer.answered);
        QTRY_VERIFY(!dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QCOMPARE(answer.rows.value(u"Domain"_s), (QStringList{u"mine.example.com"_s, u"theirs.example.com"_s, read.domain}));

        const Tenant after = await(m_mine->tenant(read.id));
        QCOMPARE(after.version, current.version);
        QCOMPARE(after.domain, u"theirs.example.com"_s);
        QCOMPARE(dialog.saved().version, current.version);
    }
};

QTEST_MAIN(TestTenantEdit)
#include "tst_tenantedit.moc"
