// Reading billing exports (FOCUS, AWS CUR legacy and 2.0, Azure cost details EA and MCA) as they
// are published: plain CSV, gzip or a zip holding one CSV. The file is read in large blocks and
// parsed in place; a record's fields are views into the block (or into a small per-line scratch
// area for values that had to be rewritten: times, amounts in scientific notation, tags).
#include "BillingFile.h"
#include "BillingFormats.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

using namespace Qt::StringLiterals;

namespace TenantDesk {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("BillingFile", text);
}

constexpr qsizetype blockSize = 4 * 1024 * 1024;
constexpr qsizetype rawChunk = 1024 * 1024;
constexpr qsizetype maxRecord = 64 * 1024 * 1024;

quint16 le16(const uchar* p)
{
    return quint16(p[0] | (p[1] << 8));
}

quint32 le32(const uchar* p)
{
    return quint32(p[0]) | (quint32(p[1]) << 8) | (quint32(p[2]) << 16) | (quint32(p[3]) << 24);
}

quint64 le64(const uchar* p)
{
    return quint64(le32(p)) | (quint64(le32(p + 4)) << 32);
}

// SHA-256 through OpenSSL's libcrypto: Qt 6.4's QCryptographicHash has its own implementation,
// which hashes at about 50 MB/s here against several hundred for libcrypto (SHA extensions), and
// would be most of the time a large import spends reading.
class Sha256
{
public:
    Sha256() : m_context(EVP_MD_CTX_new()) { EVP_DigestInit_ex(m_context, EVP_sha256(), nullptr); }
    ~Sha256() { EVP_MD_CTX_free(m_context); }
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void addData(QByteArrayView data) { EVP_DigestUpdate(m_context, data.data(), size_t(data.size())); }
    QByteArray result()
    {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(m_context, digest, &length);
        return QByteArray(reinterpret_cast<const char*>(digest), qsizetype(length));
    }

private:
    EVP_MD_CTX* m_context;
};

// The bytes of the file as stored, hashed as they are read, and the CSV text inside them.
class Source
{
public:
    enum class Mode { Plain, Gzip, Zip };

    ~Source()
    {
        if (m_zlibReady)
            inflateEnd(&m_zs);
    }

    // Opens the file and finds out how it is stored. An error message when it cannot be read.
    QString open(const QString& path)
    {
        m_file.setFileName(path);
        if (!m_file.open(QIODevice::ReadOnly))
            return m_file.errorString();
        m_total = m_file.size();
        char magic[4] = {};
        const qint64 n = m_file.peek(magic, 4);
        if (n >= 2 && uchar(magic[0]) == 0x1f && uchar(magic[1]) == 0x8b) {
            m_mode = Mode::Gzip;
            if (inflateInit2(&m_zs, 15 + 16) != Z_OK)
                return tr("cannot start decompressing");
            m_zlibReady = true;
        } else if (n == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) {
            m_mode = Mode::Zip;
            const QString problem = findZipEntry();
            if (!problem.isEmpty())
                return problem;
            if (!m_zipStored) {
                if (inflateInit2(&m_zs, -15) != Z_OK)
                    return tr("cannot start decompressing");
                m_zlibReady = true;
            }
        }
        m_in.resize(rawChunk);
        return {};
    }

    // Up to `max` bytes of CSV text; 0 at its end, -1 with error() set.
    qint64 read(char* dst, qint64 max)
    {
        if (m_done)
            return 0;
        qint64 produced = 0;
        switch (m_mode) {
        case Mode::Plain:
            produced = readRaw(dst, max);
            break;
        case Mode::Gzip:
        case Mode::Zip:
            produced = m_mode == Mode::Zip && m_zipStored ? readStored(dst, max) : inflateSome(dst, max);
            break;
        }
        if (produced == 0 && m_error.isEmpty()) {
            m_done = true;
            drain();
        }
        return m_error.isEmpty() ? produced : -1;
    }

    Mode mode() const { return m_mode; }
    const QString& error() const { return m_error; }
    qint64 bytesRead() const { return m_raw; }
    qint64 totalBytes() const { return m_total; }
    bool done() const { return m_done; }
    QByteArray sha256() const { return m_digest; }

private:
    qint64 readRaw(char* dst, qint64 max)
    {
        const qint64 n = m_file.read(dst, max);
        if (n < 0) {
            m_error = m_file.errorString();
            return -1;
        }
        if (n > 0) {
            m_hash.addData(QByteArrayView(dst, n));
            m_raw += n;
        }
        return n;
    }

    // Reads (and hashes) raw bytes up to the file offset `offset`.
    bool skipTo(qint64 offset)
    {
        while (m_raw < offset) {
            const qint64 n = readRaw(m_in.data(), std::min<qint64>(qint64(m_in.size()), offset - m_raw));
            if (n <= 0) {
                if (m_error.isEmpty())
                    m_error = tr("the zip file ends early");
                return false;
            }
        }
        return true;
    }

    // The zip entry's data starts after its local header, whose name and extra field lengths may
    // differ from the central directory's.
    bool reachZipData()
    {
        if (m_zipAtData)
            return true;
        if (!skipTo(m_zipLocalOffset))
            return false;
        uchar header[30];
        if (readRaw(reinterpret_cast<char*>(header), 30) != 30 || le32(header) != 0x04034b50) {
            if (m_error.isEmpty())
                m_error = tr("the zip file's entry has no valid local header");
            return false;
        }
        if (!skipTo(m_raw + le16(header + 26) + le16(header + 28)))
            return false;
        m_zipAtData = true;
        return true;
    }

    qint64 readStored(char* dst, qint64 max)
    {
        if (!reachZipData())
            return -1;
        const qint64 n = readRaw(dst, std::min(max, m_zipRemaining));
        if (n < 0)
            return -1;
        if (n == 0 && m_zipRemaining > 0) {
            m_error = tr("the zip file ends early");
            return -1;
        }
        m_zipRemaining -= n;
        return n;
    }

    qint64 inflateSome(char* dst, qint64 max)
    {
        if (m_mode == Mode::Zip && !reachZipData())
            return -1;
        if (m_streamEnd)
            return 0;
        m_zs.next_out = reinterpret_cast<Bytef*>(dst);
        m_zs.avail_out = uInt(std::min<qint64>(max, 1 << 30));
        while (m_zs.avail_out > 0) {
            if (m_zs.avail_in == 0 && !m_rawEof) {
                qint64 want = qint64(m_in.size());
                if (m_mode == Mode::Zip)
                    want = std::min(want, m_zipRemaining);
                const qint64 n = want > 0 ? readRaw(m_in.data(), want) : 0;
                if (n < 0)
                    return -1;
                if (m_mode == Mode::Zip)
                    m_zipRemaining -= n;
                if (n == 0)
                    m_rawEof = true;
                m_zs.next_in = reinterpret_cast<Bytef*>(m_in.data());
                m_zs.avail_in = uInt(n);
            }
            const int ret = inflate(&m_zs, Z_NO_FLUSH);
            if (ret == Z_STREAM_END) {
                // A gzip file may hold several members one after the other.
                if (m_mode == Mode::Gzip && (m_zs.avail_in > 0 || !m_rawEof)) {
                    if (m_zs.avail_in == 0) {
                        const qint64 n = readRaw(m_in.data(), qint64(m_in.size()));
                        if (n < 0)
                            return -1;
                        m_rawEof = n == 0;
                        m_zs.next_in = reinterpret_cast<Bytef*>(m_in.data());
                        m_zs.avail_in = uInt(n);
                    }
                    if (m_zs.avail_in >= 2 && m_zs.next_in[0] == 0x1f && m_zs.next_in[1] == 0x8b) {
                        inflateReset(&m_zs);
                        continue;
                    }
                }
                m_streamEnd = true;
                break;
            }
            if (ret == Z_BUF_ERROR && m_zs.avail_in == 0 && m_rawEof) {
                m_error = tr("the compressed file ends early");
                return -1;
            }
            if (ret != Z_OK && ret != Z_BUF_ERROR) {
                m_error = tr("the compressed data is damaged (%1)")
                              .arg(QString::fromLatin1(m_zs.msg ? m_zs.msg : "zlib error"));
                return -1;
            }
        }
        return max - qint64(m_zs.avail_out);
    }

    // Hashes whatever follows the CSV text, so that the digest covers the file as stored.
    void drain()
    {
        if (m_in.empty())
            m_in.resize(rawChunk);
        while (readRaw(m_in.data(), qint64(m_in.size())) > 0) {
        }
        m_digest = m_hash.result();
    }

    QString findZipEntry()
    {
        // The end of central directory record is in the last 64 KiB + 22 bytes.
        const qint64 tail = std::min<qint64>(m_total, 65535 + 22);
        m_file.seek(m_total - tail);
        const QByteArray end = m_file.read(tail);
        qsizetype at = -1;
        for (qsizetype i = end.size() - 22; i >= 0; --i) {
            if (le32(reinterpret_cast<const uchar*>(end.constData()) + i) == 0x06054b50) {
                at = i;
                break;
            }
        }
        if (at < 0)
            return tr("the zip file has no central directory");
        const auto* eocd = reinterpret_cast<const uchar*>(end.constData()) + at;
        const quint32 cdSize = le32(eocd + 12);
        const quint32 cdOffset = le32(eocd + 16);
        if (cdOffset == 0xffffffffu || qint64(cdOffset) + cdSize > m_total)
            return tr("the zip file's central directory is out of reach (ZIP64 archives larger than 4 GiB are not read)");
        m_file.seek(cdOffset);
        const QByteArray cd = m_file.read(cdSize);
        m_file.seek(0);
        QStringList names;
        QStringList csvs;
        struct Entry { quint16 flags, method; qint64 csize, offset; };
        Entry chosen{};
        for (qsizetype p = 0; p + 46 <= cd.size();) {
            const auto* e = reinterpret_cast<const uchar*>(cd.constData()) + p;
            if (le32(e) != 0x02014b50)
                return tr("the zip file's central directory is damaged");
            const quint16 nameLength = le16(e + 28);
            const quint16 extraLength = le16(e + 30);
            const quint16 commentLength = le16(e + 32);
            if (p + 46 + nameLength + extraLength > cd.size())
                return tr("the zip file's central directory is damaged");
            const QString name = QString::fromUtf8(cd.constData() + p + 46, nameLength);
            Entry entry{le16(e + 8), le16(e + 10), le32(e + 20), le32(e + 42)};
            // ZIP64: the sizes and the offset that do not fit are in the extra field 0x0001.
            const quint32 usize = le32(e + 24);
            const auto* extra = e + 46 + nameLength;
            for (int x = 0; x + 4 <= extraLength;) {
                const quint16 id = le16(extra + x);
                const quint16 size = le16(extra + x + 2);
                if (id == 1) {
                    int q = x + 4;
                    if (usize == 0xffffffffu && q + 8 <= x + 4 + size)
                        q += 8;
                    if (entry.csize == 0xffffffffll && q + 8 <= x + 4 + size) {
                        entry.csize = qint64(le64(extra + q));
                        q += 8;
                    }
                    if (entry.offset == 0xffffffffll && q + 8 <= x + 4 + size)
                        entry.offset = qint64(le64(extra + q));
                }
                x += 4 + size;
            }
            p += 46 + nameLength + extraLength + commentLength;
            if (name.endsWith(u'/'))
                continue;
            names << name;
            if (name.endsWith(u".csv"_s, Qt::CaseInsensitive) && !name.startsWith(u"__MACOSX/"_s)) {
                csvs << name;
                chosen = entry;
            }
        }
        if (csvs.isEmpty())
            return tr("the zip file holds no CSV file (it holds: %1)")
                .arg(names.isEmpty() ? tr("nothing") : names.join(u", "_s));
        if (csvs.size() > 1)
            return tr("the zip file holds several CSV files (%1); put one export in each zip file")
                .arg(csvs.join(u", "_s));
        if (chosen.flags & 1)
            return tr("the zip file's CSV file is encrypted");
        if (chosen.method != 0 && chosen.method != 8)
            return tr("the zip file's CSV file is compressed with method %1; only deflate and stored are read")
                .arg(chosen.method);
        m_zipStored = chosen.method == 0;
        m_zipLocalOffset = chosen.offset;
        m_zipRemaining = chosen.csize;
        return {};
    }

    QFile m_file;
    Sha256 m_hash;
    QByteArray m_digest;
    QString m_error;
    Mode m_mode = Mode::Plain;
    qint64 m_raw = 0;
    qint64 m_total = 0;
    bool m_done = false;
    bool m_rawEof = false;
    bool m_streamEnd = false;
    z_stream m_zs{};
    bool m_zlibReady = false;
    std::vector<char> m_in;
    bool m_zipStored = false;
    bool m_zipAtData = false;
    qint64 m_zipLocalOffset = 0;
    qint64 m_zipRemaining = 0;
};

} // namespace

QString BillingFileError::text() const
{
    if (line <= 0)
        return QCoreApplication::translate("BillingFile", "%1: %2").arg(file, message);
    if (column.isEmpty())
        return QCoreApplication::translate("BillingFile", "%1, line %2: %3").arg(file).arg(line).arg(message);
    return QCoreApplication::translate("BillingFile", "%1, line %2, column %3: %4")
        .arg(file)
        .arg(line)
        .arg(column, message);
}

class BillingFileReader::Private
{
public:
    QString path;
    QString fileName;
    BillingFormat requested = BillingFormat::Auto;
    BillingFormat format = BillingFormat::Auto;
    QStringList wantedKeys;
    std::optional<BillingFileError> error;
    Source source;
    bool opened = false;
    bool finished = false;

    // The CSV text: [begin, end) of buf holds text not yet parsed.
    std::vector<char> buf;
    qsizetype begin = 0;
    qsizetype end = 0;
    bool eof = false;

    qint64 physicalLine = 1; // of the next record's first line
    qint64 lines = 0;
    std::vector<BillingCsv::Field> fields;
    QList<QByteArray> header;
    BillingMapping mapping;

    void fail(qint64 line, const QString& column, const QString& message)
    {
        if (!error)
            error = BillingFileError{fileName, line, column, message};
    }

    // More text into the buffer, keeping [begin, end). False at the end or on an error.
    bool fill()
    {
        if (eof)
            return false;
        if (begin > 0) {
            std::memmove(buf.data(), buf.data() + begin, size_t(end - begin));
            end -= begin;
            begin = 0;
        }
        if (qsizetype(buf.size()) - end < blockSize / 4)
            buf.resize(std::max<size_t>(buf.size() * 2, size_t(blockSize)));
        const qint64 n = source.read(buf.data() + end, qint64(buf.size()) - end);
        if (n < 0) {
            fail(physicalLine, {}, source.error());
            return false;
        }
        if (n == 0) {
            eof = true;
            return true;
        }
        end += n;
        return true;
    }

    // The next record's fields; false at the end of the text or on an error.
    bool readRecord()
    {
        for (;;) {
            BillingCsv::Problem problem;
            const BillingCsv::Result r =
                BillingCsv::parse(buf.data() + begin, buf.data() + end, eof, fields, problem);
            switch (r) {
            case BillingCsv::Result::Record:
                begin += problem.consumed;
                physicalLine += problem.blankLines;
                recordLine = physicalLine;
                physicalLine += problem.newlines;
                return true;
            case BillingCsv::Result::NeedMore:
                if (end - begin > maxRecord) {
                    fail(physicalLine, {},
                         tr("the line is longer than 64 MiB: a quoted value that starts on it is probably not closed"));
                    return false;
                }
                if (!fill())
                    return false;
                continue;
            case BillingCsv::Result::End:
                begin = end;
                return false;
            case BillingCsv::Result::Error:
                fail(physicalLine + problem.blankLines + problem.newlines,
                     problem.field >= 0 && problem.field < header.size() ? QString::fromUtf8(header.at(problem.field))
                                                                          : QString(),
                     problem.message);
                return false;
            }
        }
    }

    qint64 recordLine = 1;
};

BillingFileReader::BillingFileReader(QString path, BillingFormat format)
    : d(std::make_unique<Private>())
{
    d->fileName = QFileInfo(path).fileName();
    d->path = std::move(path);
    d->requested = format;
    d->format = format;
}

BillingFileReader::~BillingFileReader() = default;

void BillingFileReader::setWantedTagKeys(const QStringList& keys)
{
    d->wantedKeys = keys;
}

bool BillingFileReader::open()
{
    if (d->opened)
        return !d->error;
    d->opened = true;
    const QString problem = d->source.open(d->path);
    if (!problem.isEmpty()) {
        d->fail(0, {}, problem);
        return false;
    }
    d->buf.resize(size_t(blockSize));
    // A byte-order mark at the very start is no part of the first column's name.
    while (d->end - d->begin < 3 && !d->eof) {
        if (!d->fill()) {
            if (d->error)
                return false;
            break;
        }
    }
    if (d->end - d->begin >= 3 && std::memcmp(d->buf.data() + d->begin, "\xEF\xBB\xBF", 3) == 0)
        d->begin += 3;
    if (!d->readRecord()) {
        d->fail(1, {}, tr("the file is empty; a billing export starts with a header line"));
        return false;
    }
    d->header.clear();
    d->header.reserve(qsizetype(d->fields.size()));
    for (const BillingCsv::Field& field : d->fields)
        d->header << QByteArray(field.data, field.size).trimmed();
    // Column names go on as UTF-8 too (a CUR tag column's name becomes a key of the JSON tags).
    for (const QByteArray& name : std::as_const(d->header)) {
        if (!QByteArrayView(name).isValidUtf8() || name.contains('\0')) {
            d->fail(1, QString::fromUtf8(name), tr("the column name is not UTF-8 text (export the file as UTF-8)"));
            return false;
        }
    }

    BillingFormat format = d->requested;
    if (format == BillingFormat::Auto) {
        const std::optional<BillingFormat> detected = detectBillingFormatFromNames(d->header);
        if (!detected) {
            d->fail(1, {}, tr("the header is not one of a known billing export (FOCUS, AWS CUR, AWS CUR 2.0, "
                              "Azure cost details EA or MCA)"));
            return false;
        }
        format = *detected;
    }
    d->format = format;
    QString missing;
    if (!d->mapping.prepare(format, d->header, d->wantedKeys, &missing)) {
        d->fail(1, missing,
                tr("the column is missing; a %1 file must have it").arg(billingFormatTitle(format)));
        return false;
    }
    return true;
}

BillingFormat BillingFileReader::format() const
{
    return d->format;
}

bool BillingFileReader::next(BillingRecord& record)
{
    if (!d->opened || d->error || d->finished)
        return false;
    if (!d->readRecord()) {
        if (!d->error) {
            d->finished = true;
            // Read to the end so that the digest covers every byte.
            while (d->source.read(d->buf.data(), qint64(d->buf.size())) > 0) {
            }
        }
        return false;
    }
    const qsizetype count = qsizetype(d->fields.size());
    const qsizetype expected = d->header.size();
    if (count != expected) {
        if (count < expected) {
            d->fail(d->recordLine + d->fields.back().newlinesBefore, QString::fromUtf8(d->header.at(count)),
                    tr("the line ends after %1 of the header's %2 columns").arg(count).arg(expected));
        } else {
            d->fail(d->recordLine + d->fields[size_t(expected)].newlinesBefore,
                    QString::fromUtf8(d->header.at(expected - 1)),
                    tr("the line has %1 values, %2 more than the header's %3 columns (after this one)")
                        .arg(count)
                        .arg(count - expected)
                        .arg(expected));
        }
        return false;
    }
    // Text goes on as UTF-8 (JSON tags, PostgreSQL text): a line that is not is refused, with
    // the first column that is not named. One check over the line's span in the common case.
    // A NUL character is refused too: no PostgreSQL text (nor jsonb) can hold one.
    const BillingCsv::Field& lastField = d->fields.back();
    const QByteArrayView line(d->fields.front().data, lastField.data + lastField.size);
    if (!line.isValidUtf8() || line.contains('\0')) {
        for (size_t i = 0; i < d->fields.size(); ++i) {
            const BillingCsv::Field& f = d->fields[i];
            const QByteArrayView value(f.data, f.size);
            if (!value.isValidUtf8() || value.contains('\0')) {
                d->fail(d->recordLine + f.newlinesBefore, QString::fromUtf8(d->header.at(qsizetype(i))),
                        value.isValidUtf8() ? tr("the value holds a NUL character (a zero byte)")
                                            : tr("the value is not UTF-8 text (export the file as UTF-8)"));
                return false;
            }
        }
    }
    BillingMapping::Failure failure;
    if (!d->mapping.map(d->fields, record, failure)) {
        d->fail(d->recordLine + d->fields[size_t(failure.column)].newlinesBefore,
                QString::fromUtf8(d->header.at(failure.column)), failure.message);
        return false;
    }
    ++d->lines;
    return true;
}

const std::optional<BillingFileError>& BillingFileReader::error() const
{
    return d->error;
}

qint64 BillingFileReader::linesRead() const
{
    return d->lines;
}

qint64 BillingFileReader::recordLine() const
{
    return d->recordLine;
}

qint64 BillingFileReader::bytesRead() const
{
    return d->source.bytesRead();
}

qint64 BillingFileReader::totalBytes() const
{
    return d->source.totalBytes();
}

QByteArray BillingFileReader::sha256() const
{
    return d->finished ? d->source.sha256() : QByteArray();
}

QStringList BillingFileReader::notes() const
{
    return d->mapping.notes();
}

std::optional<BillingFormat> detectBillingFormat(QByteArrayView headerLine)
{
    QByteArray text = headerLine.toByteArray();
    if (text.startsWith("\xEF\xBB\xBF"))
        text.remove(0, 3);
    std::vector<BillingCsv::Field> fields;
    BillingCsv::Problem problem;
    if (BillingCsv::parse(text.data(), text.data() + text.size(), true, fields, problem)
        != BillingCsv::Result::Record)
        return std::nullopt;
    QList<QByteArray> names;
    for (const BillingCsv::Field& field : fields)
        names << QByteArray(field.data, field.size).trimmed();
    return detectBillingFormatFromNames(names);
}

} // namespace TenantDesk
