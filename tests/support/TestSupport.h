#pragma once

#include "JsonCodec.h"
#include "Store.h"
#include "StoreError.h"

#include <QFuture>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

namespace TenantDesk::Test {

// The demo databases the CTest fixtures generate once per run with tenantctl.
QString smallDemoFixture();  // DemoScale::small()
QString largeDemoFixture();  // 100,000 tenants (one with 10,000 sub-tenants), few users, no usage

// A private copy of a fixture in `dir`, so that a test may change it.
QString copyFixture(const QString& fixture, const QTemporaryDir& dir);

// The result of a store future, letting the event loop run meanwhile (up to 30 s).
template<typename T>
T await(QFuture<T> future)
{
    if (!QTest::qWaitFor([&future]() { return future.isFinished(); }, 30000))
        qFatal("A store operation did not finish within 30 seconds");
    try {
        return future.result();
    } catch (const StoreError& error) {
        // Said before QTest reports only "Caught unhandled exception".
        qWarning().noquote() << "A store operation failed:" << errorCodeName(error.code()) << error.field()
                             << error.fullMessage();
        throw;
    }
}

// The ErrorCode a future failed with; fails the test when it succeeded.
template<typename T>
std::optional<StoreError> awaitError(QFuture<T> future)
{
    if (!QTest::qWaitFor([&future]() { return future.isFinished(); }, 30000))
        qFatal("A store operation did not finish within 30 seconds");
    try {
        future.waitForFinished();
        if constexpr (!std::is_void_v<T>)
            future.result();
    } catch (const StoreError& error) {
        return error;
    }
    return std::nullopt;
}

// Values as JSON, to compare what two stores answered field by field (QCOMPARE shows both).
template<typename T>
QJsonObject json(const T& value)
{
    return JsonCodec::toJson(value);
}

template<typename T>
QJsonArray jsonList(const QList<T>& list)
{
    QJsonArray array;
    for (const T& item : list)
        array.append(JsonCodec::toJson(item));
    return array;
}

// SHA-256 of a file's bytes, to prove that a refused file was left untouched.
QByteArray fileDigest(const QString& path);

} // namespace TenantDesk::Test
