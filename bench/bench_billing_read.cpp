// bench_billing_read: how fast BillingFileReader reads a FOCUS CSV (reading, parsing and mapping
// onto FOCUS columns only, no database), in lines/s and MB/s.
//
//   bench_billing_read [--file PATH] [--lines N] [--tag KEY] [--runs N]
//
// Without --file, a FOCUS file of N lines (default 1,000,000, about 750 MB) is written to a
// temporary folder by repeating the data lines of the shared FOCUS sample (tests/data/focus), so
// that it has the sample's real shape: 44 columns, quoted texts, NULL, times without T and Z, tags
// as JSON with doubled quotes. --tag asks for one tag key's values, as an import with attribution
// does (default business_unit). Each run reads the whole file; the best and the median are shown,
// beside a plain read of the same bytes for the disk and page cache's share.
#include "BillingFile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

bool writeFile(const QString& path, qint64 lines)
{
    QFile sample(QStringLiteral(TENANTDESK_SOURCE_DIR "/tests/data/focus/focus_sample.csv"));
    if (!sample.open(QIODevice::ReadOnly))
        return false;
    const QByteArray bytes = sample.readAll();
    const qsizetype headerEnd = bytes.indexOf('\n') + 1;
    const QByteArray header = bytes.left(headerEnd);
    const QByteArray body = bytes.mid(headerEnd);
    const qint64 perCopy = body.count('\n');
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return false;
    out.write(header);
    qint64 written = 0;
    while (written + perCopy <= lines) {
        out.write(body);
        written += perCopy;
    }
    qsizetype at = 0;
    for (; written < lines; ++written)
        at = body.indexOf('\n', at) + 1;
    out.write(body.left(at));
    return out.error() == QFile::NoError;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"file"_s, u"A FOCUS CSV to read (otherwise one is generated)."_s, u"path"_s});
    parser.addOption({u"lines"_s, u"Lines of the generated file."_s, u"n"_s, u"1000000"_s});
    parser.addOption({u"tag"_s, u"A tag key whose values are wanted."_s, u"key"_s, u"business_unit"_s});
    parser.addOption({u"runs"_s, u"How many times the file is read."_s, u"n"_s, u"3"_s});
    parser.process(app);

    QTemporaryDir dir;
    QString path = parser.value(u"file"_s);
    if (path.isEmpty()) {
        path = dir.filePath(u"focus.csv"_s);
        std::printf("writing %lld lines to %s\n", parser.value(u"lines"_s).toLongLong(), qPrintable(path));
        if (!writeFile(path, parser.value(u"lines"_s).toLongLong())) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return 1;
        }
    }
    const double megabytes = double(QFileInfo(path).size()) / 1e6;
    const int runs = std::max(1, parser.value(u"runs"_s).toInt());

    std::vector<double> plain;
    std::vector<double> reads;
    qint64 lines = 0;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return 1;
        QByteArray block(4 * 1024 * 1024, Qt::Uninitialized);
        while (file.read(block.data(), block.size()) > 0) {
        }
        plain.push_back(double(timer.nsecsElapsed()) / 1e9);

        timer.restart();
        BillingFileReader reader(path);
        reader.setWantedTagKeys(parser.value(u"tag"_s).isEmpty() ? QStringList{} : QStringList{parser.value(u"tag"_s)});
        if (!reader.open()) {
            std::fprintf(stderr, "%s\n", qPrintable(reader.error()->text()));
            return 1;
        }
        BillingRecord record;
        qint64 tagged = 0;
        qint64 bytes = 0;
        while (reader.next(record)) {
            tagged += !record.tagValues.isEmpty();
            bytes += record.billedCost.size() + record.tags.size();
        }
        if (reader.error()) {
            std::fprintf(stderr, "%s\n", qPrintable(reader.error()->text()));
            return 1;
        }
        reads.push_back(double(timer.nsecsElapsed()) / 1e9);
        lines = reader.linesRead();
        std::printf("run %d: %lld lines (%lld with the tag) in %.2f s, sha256 %s\n", run + 1, lines, tagged,
                    reads.back(), reader.sha256().toHex().left(16).constData());
        (void)bytes;
    }
    std::sort(plain.begin(), plain.end());
    std::sort(reads.begin(), reads.end());
    const double best = reads.front();
    const double median = reads[reads.size() / 2];
    std::printf("file: %lld lines, %.1f MB\n", lines, megabytes);
    std::printf("plain read:          best %.2f s (%.0f MB/s)\n", plain.front(), megabytes / plain.front());
    std::printf("BillingFileReader:   best %.2f s: %.0f lines/s, %.0f MB/s; median %.2f s: %.0f lines/s, %.0f MB/s\n",
                best, double(lines) / best, megabytes / best, median, double(lines) / median, megabytes / median);
    return 0;
}
