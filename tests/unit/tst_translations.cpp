// The .ts files: complete for every language listed as complete (TENANTDESK_COMPLETE_LANGUAGES),
// placeholders kept, and in step with the sources (what update_translations would change).
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace Qt::StringLiterals;

namespace {

struct Message {
    QString context;
    QString source;
    QString type;          // unfinished, obsolete, vanished or empty
    QStringList forms;     // the translation, or its plural forms
    bool numerus = false;
};

QList<Message> readTs(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<Message> messages;
    QXmlStreamReader xml(&file);
    QString context;
    Message message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"name") {
            context = xml.readElementText();
        } else if (xml.name() == u"message") {
            message = Message{context, {}, {}, {}, xml.attributes().value(QLatin1StringView("numerus")) == u"yes"};
        } else if (xml.name() == u"source") {
            message.source = xml.readElementText();
        } else if (xml.name() == u"translation") {
            message.type = xml.attributes().value(QLatin1StringView("type")).toString();
            if (message.numerus) {
                while (xml.readNextStartElement()) // the numerusform elements
                    message.forms << xml.readElementText();
            } else {
                message.forms << xml.readElementText();
            }
            messages << message;
        }
    }
    if (xml.hasError())
        *error = u"%1 at line %2"_s.arg(xml.errorString()).arg(xml.lineNumber());
    return messages;
}

QStringList placeholders(const QString& text)
{
    static const QRegularExpression placeholder(u"%(\\d{1,2}|n)"_s);
    QStringList found;
    for (auto it = placeholder.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.sort();
    found.removeDuplicates();
    return found;
}

QString translationsDir()
{
    return QStringLiteral(TENANTDESK_SOURCE_DIR "/translations");
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tsFiles_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("complete");
        const QStringList complete = QStringLiteral(TENANTDESK_COMPLETE_LANGUAGES).split(u'|', Qt::SkipEmptyParts);
        const QFileInfoList files = QDir(translationsDir()).entryInfoList({u"tenantdesk_*.ts"_s}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 2);
        for (const QFileInfo& file : files) {
            const QString language = file.completeBaseName().section(u'_', 1);
            QTest::newRow(qPrintable(language)) << file.absoluteFilePath() << complete.contains(language);
        }
        for (const QString& language : complete)
            QVERIFY2(QFileInfo::exists(translationsDir() + u"/tenantdesk_%1.ts"_s.arg(language)), qPrintable(language));
    }

    // Every entry translated, none left over from strings gone, and each %1, %2, %n of the
    // English kept in every form (a lost %1 shows the user a sentence without its subject).
    void tsFiles()
    {
        QFETCH(QString, path);
        QFETCH(bool, complete);
        QString error;
        const QList<Message> messages = readTs(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(messages.size() > 100);
        QStringList problems;
        for (const Message& m : messages) {
            const QString where = u"%1: “%2”"_s.arg(m.context, m.source);
            if (m.type == u"obsolete" || m.type == u"vanished") {
                problems << u"%1 is %2 (run update_translations)"_s.arg(where, m.type);
                continue;
            }
            if (!complete)
                continue;
            if (m.type == u"unfinished" || m.forms.isEmpty() || m.forms.contains(QString())) {
                problems << u"%1 is not translated"_s.arg(where);
                continue;
            }
            for (const QString& form : m.forms) {
                if (placeholders(form) != placeholders(m.source))
                    problems << u"%1: the translation “%2” has %3, the source %4"_s.arg(
                        where, form, placeholders(form).join(u' '), placeholders(m.source).join(u' '));
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(u"\n"_s + problems.join(u'\n')));
    }

    // lupdate over the sources changes nothing: no string of the code is missing from a .ts file
    // and none of a .ts file is gone from the code.
    void tsFilesMatchTheSources_data() { tsFiles_data(); }
    void tsFilesMatchTheSources()
    {
        QFETCH(QString, path);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString copy = dir.filePath(QFileInfo(path).fileName());
        QVERIFY(QFile::copy(path, copy));
        QProcess lupdate;
        lupdate.setWorkingDirectory(QStringLiteral(TENANTDESK_SOURCE_DIR));
        QStringList arguments = QStringLiteral(TENANTDESK_LUPDATE_OPTIONS).split(u'|', Qt::SkipEmptyParts);
        arguments << QStringLiteral(TENANTDESK_LUPDATE_DIRECTORIES).split(u'|', Qt::SkipEmptyParts) << u"-ts"_s << copy;
        lupdate.start(QStringLiteral(TENANTDESK_LUPDATE), arguments);
        QVERIFY2(lupdate.waitForFinished(120000), qPrintable(lupdate.errorString()));
        QCOMPARE(lupdate.exitCode(), 0);

        QString error;
        const auto keys = [](const QList<Message>& messages) {
            QSet<QString> set;
            for (const Message& m : messages)
                set.insert(m.context + u" | "_s + m.source);
            return set;
        };
        const QSet<QString> committed = keys(readTs(path, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QSet<QString> updated = keys(readTs(copy, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QStringList missing = QStringList(updated.cbegin(), updated.cend());
        missing.removeIf([&](const QString& key) { return committed.contains(key); });
        missing.sort();
        QStringList gone = QStringList(committed.cbegin(), committed.cend());
        gone.removeIf([&](const QString& key) { return updated.contains(key); });
        gone.sort();
        QVERIFY2(missing.isEmpty(), qPrintable(u"strings of the code missing from %1 (run update_translations):\n"_s.arg(path)
                                               + missing.join(u'\n')));
        QVERIFY2(gone.isEmpty(), qPrintable(u"strings of %1 no longer in the code (run update_translations):\n"_s.arg(path)
                                            + gone.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
