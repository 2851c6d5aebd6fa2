#include "UserFile.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <array>
#include <functional>

using namespace Qt::StringLiterals;

namespace TenantDesk {

namespace {

QString trFile(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("UserFile", text, disambiguation, n);
}

int lineAtOffset(const QByteArray& data, qsizetype offset)
{
    return 1 + int(std::count(data.constBegin(), data.constBegin() + offset, '\n'));
}

// --- Formula guard -------------------------------------------------------------------------------

bool isFormulaStart(QChar c)
{
    return c == u'=' || c == u'+' || c == u'-' || c == u'@' || c == u'\t' || c == u'\r';
}

// ^'*[=+\-@\t\r]: written with one more apostrophe.
bool needsFormulaGuard(const QString& cell)
{
    qsizetype i = 0;
    while (i < cell.size() && cell.at(i) == u'\'')
        ++i;
    return i < cell.size() && isFormulaStart(cell.at(i));
}

QString removeFormulaGuard(const QString& cell)
{
    // ^'+[=+\-@\t\r]: read with one apostrophe less.
    if (cell.startsWith(u'\'') && needsFormulaGuard(cell))
        return cell.mid(1);
    return cell;
}

// --- CSV parsing ---------------------------------------------------------------------------------

struct CsvRecord {
    int line = 0;                   // where the record starts
    QStringList fields;             // unquoted fields trimmed, quoted ones as they are
};

struct CsvParse {
    QList<CsvRecord> records;
    int unterminatedQuoteLine = 0;  // > 0: a quoted field starting on this line never ends;
    CsvRecord unterminatedRecord;   // the record it is in, fields up to and including it
};

bool isBlank(QChar c)
{
    return c == u' ' || c == u'\t';
}

// RFC 4180, leniently: blanks around a quoted field are dropped, text after its closing quote is
// kept, a quote inside an unquoted field is an ordinary character, a lone CR is field text.
CsvParse parseCsv(QStringView text)
{
    CsvParse parse;
    const qsizetype n = text.size();
    qsizetype i = 0;
    int line = 1;
    while (i < n) {
        CsvRecord record;
        record.line = line;
        bool recordDone = false;
        while (!recordDone) {
            // One field, starting at i.
            qsizetype start = i;
            while (start < n && isBlank(text.at(start)))
                ++start;
            QString field;
            bool quoted = false;
            if (start < n && text.at(start) == u'"') {
                quoted = true;
                const int quoteLine = line;
                i = start + 1;
                bool closed = false;
                while (i < n) {
                    const QChar c = text.at(i);
                    if (c == u'"') {
                        if (i + 1 < n && text.at(i + 1) == u'"') {
                            field.append(u'"');
                            i += 2;
                            continue;
                        }
                        ++i;
                        closed = true;
                        break;
                    }
                    if (c == u'\n')
                        ++line;
                    field.append(c);
                    ++i;
                }
                if (!closed) {
                    record.fields.append(field);
                    parse.unterminatedQuoteLine = quoteLine;
                    parse.unterminatedRecord = record;
                    return parse;
                }
            }
            // The rest of the field, up to a comma or the end of the line.
            QString tail;
            bool fieldDone = false;
            while (!fieldDone && !recordDone) {
                if (i >= n) {
                    recordDone = true;
                    break;
                }
                const QChar c = text.at(i);
                if (c == u',') {
                    ++i;
                    fieldDone = true;
                } else if (c == u'\n') {
                    ++i;
                    ++line;
                    recordDone = true;
                } else if (c == u'\r' && i + 1 < n && text.at(i + 1) == u'\n') {
                    i += 2;
                    ++line;
                    recordDone = true;
                } else {
                    tail.append(c);
                    ++i;
                }
            }
            if (quoted)
                field.append(tail.trimmed());
            else
                field = tail.trimmed();
            record.fields.append(field);
        }
        parse.records.append(record);
    }
    return parse;
}

bool isEmptyRecord(const CsvRecord& record)
{
    for (const QString& field : record.fields) {
        if (!field.isEmpty())
            return false;
    }
    return true;
}

// --- Columns -------------------------------------------------------------------------------------

enum Column { EmailColumn, NameColumn, StatusColumn, TenantColumn, EnvironmentColumn, RoleColumn, ColumnCount };

const QString columnNames[ColumnCount] = {u"email"_s, u"display_name"_s, u"status"_s,
                                          u"tenant"_s, u"environment"_s, u"role"_s};

std::optional<Column> columnOf(const QString& header)
{
    QString key = header.trimmed().toLower();
    key.replace(u' ', u'_').replace(u'-', u'_');
    if (key == u"email" || key == u"e_mail")
        return EmailColumn;
    if (key == u"display_name" || key == u"displayname" || key == u"name")
        return NameColumn;
    for (int column = StatusColumn; column < ColumnCount; ++column) {
        if (key == columnNames[column])
            return Column(column);
    }
    return std::nullopt;
}

// --- Merging rows into users ---------------------------------------------------------------------

// The values one row or record gives, already checked.
struct UserRow {
    int line = 0;
    QString email;
    QString displayName;
    std::optional<UserStatus> status; // nullopt: not said
    std::optional<ImportMembership> membership;
};

class UserMerger
{
public:
    // `fieldName` names a field of the row being added ("display_name" → "users[3].display_name").
    void add(const UserRow& row, const std::function<QString(const QString&)>& fieldName, QList<ImportIssue>& issues)
    {
        const QString key = row.email.toCaseFolded();
        auto found = m_index.constFind(key);
        if (found == m_index.constEnd()) {
            ImportUser user;
            user.line = row.line;
            user.email = row.email;
            user.displayName = row.displayName;
            user.status = row.status.value_or(UserStatus::Invited);
            if (row.membership)
                user.memberships.append(*row.membership);
            m_index.insert(key, int(m_users.size()));
            m_users.append(user);
            m_said.append({row.displayName.isEmpty() ? 0 : row.line, row.status ? row.line : 0});
            return;
        }
        ImportUser& user = m_users[*found];
        Said& said = m_said[*found];
        bool contradicts = false;
        if (!row.displayName.isEmpty()) {
            if (said.nameLine == 0) {
                user.displayName = row.displayName;
                said.nameLine = row.line;
            } else if (user.displayName != row.displayName) {
                report(issues, {row.line, fieldName(u"display_name"_s),
                                trFile("%1 is named “%2” here but “%3” at %4.")
                                    .arg(row.email, row.displayName, user.displayName, m_placeName(said.nameLine))});
                contradicts = true;
            }
        }
        if (row.status) {
            if (said.statusLine == 0) {
                user.status = *row.status;
                said.statusLine = row.line;
            } else if (user.status != *row.status) {
                report(issues, {row.line, fieldName(u"status"_s),
                                trFile("%1 is %2 here but %3 at %4.")
                                    .arg(row.email, userStatusKey(*row.status), userStatusKey(user.status),
                                         m_placeName(said.statusLine))});
                contradicts = true;
            }
        }
        if (!contradicts && row.membership && !holds(user, *row.membership))
            user.memberships.append(*row.membership);
    }

    void setPlaceName(std::function<QString(int)> placeName) { m_placeName = std::move(placeName); }
    const QList<ImportUser>& users() const { return m_users; }

private:
    // The same membership given again (on any line) adds nothing.
    static bool holds(const ImportUser& user, const ImportMembership& membership)
    {
        return std::any_of(user.memberships.cbegin(), user.memberships.cend(), [&](const ImportMembership& m) {
            return m.tenantSlug == membership.tenantSlug && m.environmentName == membership.environmentName
                && m.roleName == membership.roleName;
        });
    }

    // A JSON record adds its user once per membership: a contradiction is said once.
    static void report(QList<ImportIssue>& issues, const ImportIssue& issue)
    {
        if (!issues.contains(issue))
            issues.append(issue);
    }

    struct Said {
        int nameLine = 0;   // where the name was first given; 0: not yet
        int statusLine = 0;
    };
    QList<ImportUser> m_users;
    QList<Said> m_said;
    QHash<QString, int> m_index; // case-folded e-mail → m_users
    std::function<QString(int)> m_placeName;
};

// The checks both formats share. Adds an issue per problem; the row is usable when none was added.
struct RowFields {
    QString email;
    QString displayName;
    QString status;
    QString tenant;
    QString environment;
    QString role;
};

std::optional<UserRow> checkRow(int line, const RowFields& fields, const QString& defaultTenantSlug,
                                const std::function<QString(const QString&)>& fieldName,
                                const std::function<QString(const QString&)>& membershipFieldName,
                                QList<ImportIssue>& issues)
{
    const qsizetype before = issues.size();
    UserRow row;
    row.line = line;
    row.email = fields.email.trimmed();
    row.displayName = fields.displayName;
    if (row.email.isEmpty()) {
        issues.append({line, fieldName(u"email"_s), trFile("The e-mail address is empty.")});
    } else if (const QString problem = validateEmail(row.email); !problem.isEmpty()) {
        issues.append({line, fieldName(u"email"_s), problem});
    }
    const QString status = fields.status.trimmed();
    if (!status.isEmpty()) {
        row.status = userStatusFromKey(status.toLower());
        if (!row.status)
            issues.append({line, fieldName(u"status"_s),
                           trFile("“%1” is not a status: use invited, active or disabled.").arg(status)});
    }
    const QString tenant = fields.tenant.trimmed();
    const QString environment = fields.environment.trimmed();
    const QString role = fields.role.trimmed();
    if (role.isEmpty()) {
        if (!tenant.isEmpty() || !environment.isEmpty())
            issues.append({line, membershipFieldName(u"role"_s),
                           trFile("A membership needs a role: this names %1 but no role.")
                               .arg(tenant.isEmpty() ? trFile("environment “%1”").arg(environment)
                                                     : trFile("tenant “%1”").arg(tenant))});
    } else if (tenant.isEmpty() && defaultTenantSlug.isEmpty()) {
        issues.append({line, membershipFieldName(u"tenant"_s),
                       trFile("The role “%1” needs a tenant: none is named here and the import has no tenant of its own.")
                           .arg(role)});
    } else {
        row.membership = ImportMembership{tenant, environment, role, line};
    }
    if (issues.size() != before)
        return std::nullopt;
    return row;
}

QString invalidUtf8Message(const QByteArray& data, qsizetype offset)
{
    return trFile("The file is not UTF-8: the bytes at offset %1 (counted from 0; line %2) are no UTF-8 "
                  "character. Save it as UTF-8 and import it again.")
        .arg(offset)
        .arg(lineAtOffset(data, offset));
}

QStringView withoutBom(const QString& text)
{
    return text.startsWith(QChar(0xFEFF)) ? QStringView(text).sliced(1) : QStringView(text);
}

} // namespace

// --- E-mail and UTF-8 ----------------------------------------------------------------------------

QString validateEmail(const QString& email)
{
    if (email.isEmpty())
        return trFile("The e-mail address is empty.");
    if (email.size() > 254)
        return trFile("“%1” is too long for an e-mail address (at most 254 characters).").arg(email);
    if (email.count(u'@') != 1)
        return trFile("“%1” is not an e-mail address: it needs exactly one “@”.").arg(email);
    const qsizetype at = email.indexOf(u'@');
    const QStringView local = QStringView(email).first(at);
    const QStringView domain = QStringView(email).sliced(at + 1);
    if (local.isEmpty() || domain.isEmpty())
        return trFile("“%1” is not an e-mail address: it needs a name before the “@” and a domain after it.").arg(email);
    for (QChar c : local) {
        if (c.isSpace() || c.category() == QChar::Other_Control || u"()<>[]:;,\\\""_s.contains(c))
            return trFile("“%1” is not an e-mail address: “%2” may not appear before the “@”.")
                .arg(email, c.isSpace() ? trFile("a blank") : QString(c));
    }
    if (local.startsWith(u'.') || local.endsWith(u'.') || local.contains(u".."))
        return trFile("“%1” is not an e-mail address: the part before the “@” may not start or end with a dot or have two in a row.")
            .arg(email);
    for (QStringView label : domain.split(u'.')) {
        bool good = !label.isEmpty() && label.size() <= 63 && !label.startsWith(u'-') && !label.endsWith(u'-');
        for (QChar c : label)
            good = good && (c.isLetterOrNumber() || c == u'-');
        if (!good)
            return trFile("“%1” is not an e-mail address: the domain after the “@” is dot-separated names of letters, "
                          "digits and hyphens.")
                .arg(email);
    }
    // The store's own rule last, so that whatever passes here passes there.
    return emailError(email);
}

qsizetype firstInvalidUtf8Byte(const QByteArray& data)
{
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.constData());
    const qsizetype n = data.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char b = bytes[i];
        int continuation = 0;
        unsigned char low = 0x80, high = 0xBF; // the allowed range of the first continuation byte
        if (b < 0x80) {
            ++i;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            continuation = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            continuation = 2;
            if (b == 0xE0)
                low = 0xA0;  // overlong
            else if (b == 0xED)
                high = 0x9F; // surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            continuation = 3;
            if (b == 0xF0)
                low = 0x90;  // overlong
            else if (b == 0xF4)
                high = 0x8F; // above U+10FFFF
        } else {
            return i;
        }
        if (i + continuation >= n)
            return i;
        if (bytes[i + 1] < low || bytes[i + 1] > high)
            return i;
        for (int k = 2; k <= continuation; ++k) {
            if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF)
                return i;
        }
        i += 1 + continuation;
    }
    return -1;
}

// --- CSV -----------------------------------------------------------------------------------------

DirectoryImport readUsersCsv(const QByteArray& data, const QString& source, const QString& defaultTenantSlug)
{
    DirectoryImport import;
    import.source = source;
    import.tenantSlug = defaultTenantSlug;

    if (const qsizetype bad = firstInvalidUtf8Byte(data); bad >= 0) {
        // The column it is in: parse what comes before it, with a stand-in for the bad bytes.
        const CsvParse prefix = parseCsv(withoutBom(QString::fromUtf8(data.first(bad)) + u'x'));
        const CsvRecord& last = prefix.unterminatedQuoteLine > 0 ? prefix.unterminatedRecord : prefix.records.constLast();
        QString field;
        if (!prefix.records.isEmpty() && &last != &prefix.records.constFirst()) {
            const QStringList& header = prefix.records.constFirst().fields;
            const qsizetype index = last.fields.size() - 1;
            if (index < header.size()) {
                const std::optional<Column> column = columnOf(header.at(index));
                field = column ? columnNames[*column] : header.at(index).trimmed();
            }
        }
        import.issues.append({lineAtOffset(data, bad), field, invalidUtf8Message(data, bad)});
        return import;
    }

    const QString text = QString::fromUtf8(data);
    const CsvParse parse = parseCsv(withoutBom(text));
    if (parse.records.isEmpty() && parse.unterminatedQuoteLine == 0) {
        import.issues.append({1, columnNames[EmailColumn],
                              trFile("The file is empty: it needs a header row naming the columns, at least “email”.")});
        return import;
    }

    // The header: which field is which column.
    const CsvRecord& header = parse.records.isEmpty() ? parse.unterminatedRecord : parse.records.constFirst();
    std::array<qsizetype, ColumnCount> position;
    position.fill(-1);
    QStringList ignored;
    for (qsizetype i = 0; i < header.fields.size(); ++i) {
        const std::optional<Column> column = columnOf(header.fields.at(i));
        if (!column) {
            if (!header.fields.at(i).isEmpty())
                ignored.append(header.fields.at(i));
            continue;
        }
        if (position[*column] >= 0) {
            import.issues.append({1, columnNames[*column],
                                  trFile("The column “%1” appears twice (columns %2 and %3).")
                                      .arg(columnNames[*column])
                                      .arg(position[*column] + 1)
                                      .arg(i + 1)});
            continue;
        }
        position[*column] = i;
    }
    if (position[EmailColumn] < 0)
        import.issues.append({1, columnNames[EmailColumn],
                              trFile("The header row has no “email” column; it names: %1.")
                                  .arg(header.fields.join(u", "_s))});
    if (!ignored.isEmpty())
        import.notes.append(trFile("Columns ignored (not read by this import): %1.").arg(ignored.join(u", "_s)));

    const auto columnName = [&](Column column, qsizetype index) {
        if (column != ColumnCount)
            return columnNames[column];
        return index < header.fields.size() ? header.fields.at(index).trimmed() : QString();
    };
    if (parse.unterminatedQuoteLine > 0) {
        const qsizetype index = parse.unterminatedRecord.fields.size() - 1;
        Column column = ColumnCount;
        for (int c = 0; c < ColumnCount; ++c) {
            if (position[c] == index)
                column = Column(c);
        }
        import.issues.append({parse.unterminatedQuoteLine, columnName(column, index),
                              trFile("A quoted field starts on line %1 but its closing quote never comes.")
                                  .arg(parse.unterminatedQuoteLine)});
    }
    if (!import.issues.isEmpty())
        return import;

    UserMerger merger;
    merger.setPlaceName([](int line) { return trFile("line %1").arg(line); });
    const auto sameName = [](const QString& field) { return field; };
    int rowCount = 0;
    for (qsizetype r = 1; r < parse.records.size(); ++r) {
        const CsvRecord& record = parse.records.at(r);
        if (isEmptyRecord(record))
            continue;
        ++rowCount;
        if (record.fields.size() != header.fields.size()) {
            import.issues.append({record.line, QString(),
                                  trFile("This row has %1 fields but the header has %2.")
                                      .arg(record.fields.size())
                                      .arg(header.fields.size())});
            continue;
        }
        const auto cell = [&](Column column) {
            return position[column] < 0 ? QString() : removeFormulaGuard(record.fields.at(position[column]));
        };
        const RowFields fields{cell(EmailColumn), cell(NameColumn), cell(StatusColumn),
                               cell(TenantColumn), cell(EnvironmentColumn), cell(RoleColumn)};
        if (const std::optional<UserRow> row = checkRow(record.line, fields, defaultTenantSlug, sameName, sameName, import.issues))
            merger.add(*row, sameName, import.issues);
    }
    import.users = merger.users();
    qsizetype memberships = 0;
    for (const ImportUser& user : import.users)
        memberships += user.memberships.size();
    import.notes.prepend(trFile("%1 rows read: %2 users with %3 memberships.")
                             .arg(rowCount)
                             .arg(import.users.size())
                             .arg(memberships));
    return import;
}

// --- JSON ----------------------------------------------------------------------------------------

DirectoryImport readUsersJson(const QByteArray& data, const QString& source, const QString& defaultTenantSlug)
{
    DirectoryImport import;
    import.source = source;
    import.tenantSlug = defaultTenantSlug;

    if (const qsizetype bad = firstInvalidUtf8Byte(data); bad >= 0) {
        import.issues.append({0, QString(), invalidUtf8Message(data, bad)});
        return import;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError) {
        import.issues.append({0, QString(),
                              trFile("The file is not valid JSON: %1 at offset %2 (line %3).")
                                  .arg(error.errorString())
                                  .arg(error.offset)
                                  .arg(lineAtOffset(data, qMin(qsizetype(error.offset), data.size())))});
        return import;
    }
    QJsonArray records;
    if (document.isArray()) {
        records = document.array();
    } else if (document.object().value(u"users").isArray()) {
        records = document.object().value(u"users").toArray();
    } else {
        import.issues.append({0, u"users"_s,
                              trFile("The file holds neither an object with a “users” array nor an array of users.")});
        return import;
    }

    UserMerger merger;
    merger.setPlaceName([](int position) { return trFile("record %1").arg(position); });
    int membershipsRead = 0;
    for (qsizetype i = 0; i < records.size(); ++i) {
        const int line = int(i) + 1;
        const QString path = u"users[%1]"_s.arg(i);
        const auto fieldName = [&path](const QString& field) { return QString(path + u'.' + field); };
        const QJsonValue value = records.at(i);
        if (!value.isObject()) {
            import.issues.append({line, path, trFile("A user is a JSON object; record %1 is not.").arg(line)});
            continue;
        }
        const QJsonObject object = value.toObject();
        qsizetype before = import.issues.size();
        // A string field: empty when absent or null, an issue when something else.
        const auto text = [&](const QJsonObject& from, const QString& key, const QString& fieldPath) {
            const QJsonValue field = from.value(key);
            if (field.isUndefined() || field.isNull())
                return QString();
            if (!field.isString())
                import.issues.append({line, fieldPath, trFile("“%1” is to be a string.").arg(key)});
            return field.toString();
        };
        RowFields fields;
        fields.email = text(object, u"email"_s, fieldName(u"email"_s));
        const QString nameKey = object.contains(u"display_name") || !object.contains(u"name") ? u"display_name"_s : u"name"_s;
        fields.displayName = text(object, nameKey, fieldName(nameKey));
        fields.status = text(object, u"status"_s, fieldName(u"status"_s));
        const QJsonValue memberships = object.value(u"memberships");
        if (!memberships.isUndefined() && !memberships.isNull() && !memberships.isArray())
            import.issues.append({line, fieldName(u"memberships"_s), trFile("“memberships” is to be an array.")});
        if (import.issues.size() != before)
            continue;

        // The user's own fields first, then each membership as a row of its own.
        const std::optional<UserRow> user = checkRow(line, fields, defaultTenantSlug, fieldName, fieldName, import.issues);
        if (!user)
            continue;
        const QJsonArray list = memberships.toArray();
        if (list.isEmpty())
            merger.add(*user, fieldName, import.issues);
        for (qsizetype m = 0; m < list.size(); ++m) {
            ++membershipsRead;
            const QString membershipPath = u"%1.memberships[%2]"_s.arg(path).arg(m);
            const auto membershipField = [&membershipPath](const QString& field) {
                return QString(membershipPath + u'.' + field);
            };
            if (!list.at(m).isObject()) {
                import.issues.append({line, membershipPath, trFile("A membership is a JSON object.")});
                continue;
            }
            const QJsonObject membership = list.at(m).toObject();
            before = import.issues.size();
            RowFields row = fields;
            row.tenant = text(membership, u"tenant"_s, membershipField(u"tenant"_s));
            row.environment = text(membership, u"environment"_s, membershipField(u"environment"_s));
            row.role = text(membership, u"role"_s, membershipField(u"role"_s));
            if (import.issues.size() != before)
                continue;
            if (const std::optional<UserRow> withMembership =
                    checkRow(line, row, defaultTenantSlug, fieldName, membershipField, import.issues))
                merger.add(*withMembership, fieldName, import.issues);
        }
    }
    import.users = merger.users();
    import.notes.append(trFile("%1 records read: %2 users with %3 memberships.")
                            .arg(records.size())
                            .arg(import.users.size())
                            .arg(membershipsRead));
    return import;
}

// --- Writers -------------------------------------------------------------------------------------

namespace {

QString csvCell(const QString& value)
{
    const QString cell = needsFormulaGuard(value) ? QString(u'\'' + value) : value;
    const bool quote = cell.contains(u',') || cell.contains(u'"') || cell.contains(u'\n') || cell.contains(u'\r')
        || (!cell.isEmpty() && (isBlank(cell.front()) || isBlank(cell.back())));
    if (!quote)
        return cell;
    QString quoted = cell;
    quoted.replace(u'"', u"\"\""_s);
    return QString(u'"' + quoted + u'"');
}

} // namespace

QByteArray usersToCsv(const QList<UserDetail>& users)
{
    QString out = u"email,display_name,status,tenant,environment,role\r\n"_s;
    const auto row = [&out](const User& user, const QString& tenant, const QString& environment, const QString& role) {
        out += csvCell(user.email) + u',' + csvCell(user.displayName) + u',' + userStatusKey(user.status) + u','
            + csvCell(tenant) + u',' + csvCell(environment) + u',' + csvCell(role) + u"\r\n";
    };
    for (const UserDetail& detail : users) {
        if (detail.memberships.isEmpty())
            row(detail.user, {}, {}, {});
        for (const UserMembership& membership : detail.memberships)
            row(detail.user, membership.tenantSlug, membership.environmentName, membership.roleName);
    }
    return out.toUtf8();
}

QByteArray usersToJson(const QList<UserDetail>& users)
{
    QJsonArray list;
    for (const UserDetail& detail : users) {
        QJsonArray memberships;
        for (const UserMembership& membership : detail.memberships) {
            QJsonObject object{{u"tenant"_s, membership.tenantSlug}, {u"role"_s, membership.roleName}};
            if (!membership.environmentName.isEmpty())
                object.insert(u"environment"_s, membership.environmentName);
            memberships.append(object);
        }
        list.append(QJsonObject{{u"email"_s, detail.user.email},
                                {u"display_name"_s, detail.user.displayName},
                                {u"status"_s, userStatusKey(detail.user.status)},
                                {u"memberships"_s, memberships}});
    }
    return QJsonDocument(QJsonObject{{u"users"_s, list}}).toJson(QJsonDocument::Indented);
}

} // namespace TenantDesk
