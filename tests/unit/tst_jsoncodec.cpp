// JsonWriter writes valid JSON whatever the text holds, and JsonCodec's shapes survive the trip
// through text and back for every object of the demo database.

#include "JsonCodec.h"
#include "JsonWriter.h"
#include "SqlStore.h"
#include "TestSupport.h"

#include <QJsonDocument>
#include <QTest>

#include <cmath>
#include <limits>

using namespace TenantDesk;
using namespace TenantDesk::Test;
using namespace Qt::StringLiterals;

namespace {

QJsonValue parsed(const QByteArray& text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + text + "]", &error);
    if (error.error != QJsonParseError::NoError)
        qWarning().noquote() << "not JSON:" << text << error.errorString();
    return document.array().at(0);
}

} // namespace

class TestJsonCodec : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqlStore> m_store;

private Q_SLOTS:
    void initTestCase()
    {
        m_store = std::make_unique<SqlStore>(copyFixture(smallDemoFixture(), m_dir));
        await(m_store->open(OpenMode::OpenExisting));
    }

    void cleanupTestCase() { m_store.reset(); }

    void stringsAreEscaped_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << u"Acme Corp"_s;
        QTest::newRow("quotes and backslashes") << u"say \"hi\" \\ bye"_s;
        QTest::newRow("line breaks and tabs") << u"a\nb\r\nc\td"_s;
        QTest::newRow("control characters") << QString(QChar(1)) + QChar(0x1f) + QChar(8) + QChar(12);
        QTest::newRow("non-ASCII") << u"Zürich – 東京 – emoji 🚀"_s;
        QTest::newRow("empty") << QString();
        QTest::newRow("JSON-looking") << u"\"},{\"admin\":true"_s;
    }

    void stringsAreEscaped()
    {
        QFETCH(QString, text);
        JsonWriter w;
        w.beginObject().field("text", text).endObject();
        const QJsonValue value = parsed(w.text());
        QVERIFY(value.isObject());
        QCOMPARE(value.toObject().value(u"text"_s).toString(), text);
        QVERIFY(!w.text().contains('\n'));
    }

    void numbersNullsAndNesting()
    {
        JsonWriter w;
        w.beginObject()
            .field("max", std::numeric_limits<qint64>::max() / 1024)
            .field("negative", -42)
            .field("tenth", 0.1)
            .field("not a number", std::nan(""))
            .field("yes", true)
            .field("quota", std::optional<int>())
            .idOrNull("parent", 0)
            .idOrNull("child", 9);
        w.key("list").beginArray().value(1).beginObject().endObject().beginArray().endArray().null().endArray();
        w.field("object", QJsonObject{{u"k"_s, QJsonArray{1, u"two"_s}}});
        w.field("array value", QJsonValue(QJsonArray{true, false}));
        w.endObject();
        const QJsonObject object = parsed(w.text()).toObject();
        QCOMPARE(object.value(u"max"_s).toInteger(), std::numeric_limits<qint64>::max() / 1024);
        QCOMPARE(object.value(u"negative"_s).toInt(), -42);
        QCOMPARE(object.value(u"tenth"_s).toDouble(), 0.1);
        QVERIFY(object.value(u"not a number"_s).isNull());
        QCOMPARE(object.value(u"yes"_s).toBool(), true);
        QVERIFY(object.value(u"quota"_s).isNull());
        QVERIFY(object.value(u"parent"_s).isNull());
        QCOMPARE(object.value(u"child"_s).toInt(), 9);
        QCOMPARE(object.value(u"list"_s).toArray(), (QJsonArray{1, QJsonObject{}, QJsonArray{}, QJsonValue::Null}));
        QCOMPARE(object.value(u"object"_s).toObject(), (QJsonObject{{u"k"_s, QJsonArray{1, u"two"_s}}}));
        QCOMPARE(object.value(u"array value"_s).toArray(), (QJsonArray{true, false}));
    }

    // Text written for a page reads back into the very objects it was written from.
    void pagesRoundTripThroughText()
    {
        int tenants = 0;
        QList<Tenant> level = await(m_store->tenants({.limit = 500})).items;
        while (!level.isEmpty()) {
            const Page<Tenant> page{level, u"next"_s};
            const Page<Tenant> back = JsonCodec::pageFromJson(QJsonDocument::fromJson(JsonCodec::pageText(page)).object(),
                                                              JsonCodec::tenantFromJson);
            QCOMPARE(back.nextCursor, page.nextCursor);
            QCOMPARE(jsonList(back.items), jsonList(page.items));
            tenants += int(level.size());
            QList<Tenant> next;
            for (const Tenant& tenant : std::as_const(level)) {
                const QList<Environment> environments = await(m_store->environments(tenant.id));
                const auto environmentsBack = JsonCodec::listFromJson(
                    QJsonDocument::fromJson(JsonCodec::listText(environments)).object(), JsonCodec::environmentFromJson);
                QCOMPARE(jsonList(environmentsBack), jsonList(environments));
                const auto memberships = await(m_store->memberships({.tenantId = tenant.id, .limit = 500}));
                QCOMPARE(jsonList(JsonCodec::pageFromJson(QJsonDocument::fromJson(JsonCodec::pageText(memberships)).object(),
                                                          JsonCodec::membershipFromJson).items),
                         jsonList(memberships.items));
                if (tenant.subTenantCount > 0)
                    next += await(m_store->tenants({.parentId = tenant.id, .limit = 500})).items;
            }
            level = next;
        }
        QCOMPARE(tenants, DemoScale::small().tenants);

        const Page<User> users = await(m_store->users({.limit = 500}));
        const Page<User> usersBack = JsonCodec::pageFromJson(QJsonDocument::fromJson(JsonCodec::pageText(users)).object(),
                                                             JsonCodec::userFromJson);
        QCOMPARE(jsonList(usersBack.items), jsonList(users.items));
        QCOMPARE(usersBack.nextCursor, users.nextCursor);
        QVERIFY(users.items.size() > 100);

        const Page<AuditEvent> events = await(m_store->auditEvents({.limit = 500}));
        QVERIFY(!events.items.isEmpty());
        const auto eventsBack = JsonCodec::pageFromJson(QJsonDocument::fromJson(JsonCodec::pageText(events)).object(),
                                                        JsonCodec::auditEventFromJson);
        QCOMPARE(jsonList(eventsBack.items), jsonList(events.items));
    }

    // Types without a writer of their own go through toJson in a list.
    void listsOfOtherTypesUseTheirObjects()
    {
        const QList<Role> roles = await(m_store->roles(0));
        QVERIFY(!roles.isEmpty());
        QCOMPARE(QJsonDocument::fromJson(JsonCodec::listText(roles)).object(), JsonCodec::listToJson(roles));
    }
};

QTEST_GUILESS_MAIN(TestJsonCodec)
#include "tst_jsoncodec.moc"
