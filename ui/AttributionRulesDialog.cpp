#include "AttributionRulesDialog.h"

#include "AttributionRulesModel.h"
#include "AttributionValuesDialog.h"
#include "Async.h"
#include "EditHistory.h"

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStringListModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

enum SharedColumn { SharedMatchColumn, SharedValueColumn, SharedSplitColumn, SharedTenantsColumn, SharedColumnCount };

// A line edit offering the tag keys seen in the billing lines.
QLineEdit* keyEditor(QWidget* parent, QStringListModel* keysSeen)
{
    auto* edit = new QLineEdit(parent);
    edit->setObjectName(u"tagKeyEditor"_s);
    auto* completer = new QCompleter(keysSeen, edit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    edit->setCompleter(completer);
    return edit;
}

// The tenant tag keys, edited with the keys seen offered.
class KeyDelegate : public QStyledItemDelegate
{
public:
    KeyDelegate(QStringListModel* keysSeen, QObject* parent)
        : QStyledItemDelegate(parent)
        , m_keysSeen(keysSeen)
    {
    }

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&, const QModelIndex&) const override
    {
        return keyEditor(parent, m_keysSeen);
    }

private:
    QStringListModel* m_keysSeen;
};

// The source as a combo; the tag key with the keys seen offered; the tenant as a slug with a
// completer of the store's tenants.
class MappingDelegate : public QStyledItemDelegate
{
public:
    MappingDelegate(Store* store, QStringListModel* keysSeen, QObject* parent)
        : QStyledItemDelegate(parent)
        , m_store(store)
        , m_keysSeen(keysSeen)
    {
    }

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        if (index.column() == AttributionRulesModel::SourceColumn) {
            auto* combo = new QComboBox(parent);
            combo->addItem(AttributionRulesModel::sourceName(AttributionSource::Tag), int(AttributionSource::Tag));
            combo->addItem(AttributionRulesModel::sourceName(AttributionSource::SubAccount), int(AttributionSource::SubAccount));
            return combo;
        }
        if (index.column() == AttributionRulesModel::KeyColumn)
            return keyEditor(parent, m_keysSeen);
        if (index.column() != AttributionRulesModel::TenantColumn || !m_store)
            return QStyledItemDelegate::createEditor(parent, option, index);
        auto* edit = new QLineEdit(parent);
        edit->setObjectName(u"tenantSlugEditor"_s);
        auto* slugs = new QStringListModel(edit);
        auto* completer = new QCompleter(slugs, edit);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        edit->setCompleter(completer);
        QPointer<QLineEdit> guard(edit);
        Store* store = m_store;
        QObject::connect(edit, &QLineEdit::textEdited, edit, [store, slugs, edit](const QString& text) {
            if (text.trimmed().isEmpty())
                return;
            whenReady(store->searchTenants(text.trimmed(), 20), edit, [slugs](const TenantSearchResult& result) {
                QStringList list;
                for (const Tenant& tenant : result.matches)
                    list.append(tenant.slug);
                slugs->setStringList(list);
            }, [](const StoreError&) {});
        });
        return edit;
    }

    void setEditorData(QWidget* editor, const QModelIndex& index) const override
    {
        if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            combo->setCurrentIndex(combo->findData(index.data(AttributionRulesModel::SourceRole)));
            return;
        }
        QStyledItemDelegate::setEditorData(editor, index);
    }

    void setModelData(QWidget* editor, QAbstractItemModel* model, const QModelIndex& index) const override
    {
        if (auto* combo = qobject_cast<QComboBox*>(editor)) {
            model->setData(index, combo->currentData(), Qt::EditRole);
            return;
        }
        QStyledItemDelegate::setModelData(editor, model, index);
    }

private:
    Store* m_store;
    QStringListModel* m_keysSeen;
};

// An applied change of the attribution rules, for Edit → Undo: both ways apply a whole set of
// rules again under If-Match, so that an undo never overwrites someone else's later change.
class AttributionRulesEdit : public StoreEdit
{
public:
    AttributionRulesEdit(const AttributionRules& before, const AttributionRules& after, std::function<void()> afterRun)
        : m_before(before)
        , m_after(after)
        , m_version(after.version)
        , m_afterRun(std::move(afterRun))
    {
        setText(QCoreApplication::translate("TenantDesk::AttributionRulesDialog", "Attribution Rules"));
    }

    void run(EditHistory& history, bool forward, std::function<void()> done,
             std::function<void(const StoreError&)> failed) override
    {
        if (!history.store())
            return failed(StoreError(ErrorCode::Unavailable, QCoreApplication::translate("TenantDesk::AttributionRulesDialog", "No database is open.")));
        AttributionRules target = forward ? m_after : m_before;
        whenReady(history.store()->setAttributionRules(target, m_version), &history,
            [this, done, afterRun = m_afterRun](const AttributionResult& result) {
                m_version = result.rules.version;
                done();
                if (afterRun)
                    afterRun();
            }, failed);
    }

private:
    AttributionRules m_before;
    AttributionRules m_after;
    qint64 m_version;
    std::function<void()> m_afterRun;
};

QStringList splitSlugs(const QString& text)
{
    QStringList slugs;
    for (const QString& part : text.split(u',', Qt::SkipEmptyParts))
        if (const QString slug = part.trimmed(); !slug.isEmpty())
            slugs.append(slug);
    return slugs;
}

} // namespace

AttributionRulesDialog::AttributionRulesDialog(Store* store, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_mappings(new AttributionRulesModel(this))
    , m_keysSeen(new QStringListModel(this))
{
    setObjectName(u"attributionRulesDialog"_s);
    setWindowTitle(tr("Attribution Rules"));
    resize(860, 620);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Cost goes to a tenant by these rules, tried in order: a mapping of a tag value or "
                                "sub-account first, then a tag whose value is the tenant's slug. Cost that matches "
                                "nothing stays unallocated. Shared cost is spread over tenants instead."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* top = new QHBoxLayout;
    auto* keysBox = new QGroupBox(tr("Tenant tag &keys"), this);
    auto* keysLayout = new QVBoxLayout(keysBox);
    m_keysList = new QListWidget(keysBox);
    m_keysList->setObjectName(u"tenantTagKeysList"_s);
    m_keysList->setAccessibleName(tr("Tenant tag keys"));
    m_keysList->setToolTip(tr("Tags whose value is a tenant's slug, e.g. tenant or user:tenant; double-click to edit"));
    m_keysList->setItemDelegate(new KeyDelegate(m_keysSeen, m_keysList));
    keysLayout->addWidget(m_keysList);
    auto* keysButtons = new QHBoxLayout;
    auto* addKey = new QPushButton(tr("Add &Key"), keysBox);
    addKey->setObjectName(u"addTagKeyButton"_s);
    auto* removeKey = new QPushButton(tr("Remove K&ey"), keysBox);
    keysButtons->addWidget(addKey);
    keysButtons->addWidget(removeKey);
    keysLayout->addLayout(keysButtons);
    top->addWidget(keysBox, 1);
    connect(addKey, &QPushButton::clicked, this, [this]() {
        auto* item = new QListWidgetItem(tr("tag-key"), m_keysList);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        m_keysList->setCurrentItem(item);
        m_keysList->editItem(item);
    });
    connect(removeKey, &QPushButton::clicked, this, [this]() { delete m_keysList->currentItem(); });

    auto* mappingsBox = new QGroupBox(tr("&Mappings: value → tenant"), this);
    auto* mappingsLayout = new QVBoxLayout(mappingsBox);
    m_mappingsView = new QTableView(mappingsBox);
    m_mappingsView->setAccessibleName(tr("Mappings: value → tenant"));
    m_mappingsView->setObjectName(u"attributionMappingsView"_s);
    m_mappingsView->setModel(m_mappings);
    m_mappingsView->setItemDelegate(new MappingDelegate(store, m_keysSeen, m_mappingsView));
    m_mappingsView->verticalHeader()->hide();
    m_mappingsView->horizontalHeader()->setStretchLastSection(true);
    m_mappingsView->setColumnWidth(AttributionRulesModel::SourceColumn, 110);
    m_mappingsView->setColumnWidth(AttributionRulesModel::KeyColumn, 150);
    m_mappingsView->setColumnWidth(AttributionRulesModel::ValueColumn, 180);
    mappingsLayout->addWidget(m_mappingsView);
    auto* mappingButtons = new QHBoxLayout;
    auto* addMapping = new QPushButton(tr("Add Ma&pping"), mappingsBox);
    addMapping->setObjectName(u"addMappingButton"_s);
    auto* removeMapping = new QPushButton(tr("Remove Mappin&g"), mappingsBox);
    mappingButtons->addWidget(addMapping);
    mappingButtons->addWidget(removeMapping);
    mappingButtons->addStretch();
    m_valuesButton = new QPushButton(tr("&Values Seen…"), mappingsBox);
    m_valuesButton->setObjectName(u"valuesSeenButton"_s);
    m_valuesButton->setToolTip(tr("List the values of the selected mapping's tag key in the billing lines, with their "
                                  "cost, and map them to tenants"));
    mappingButtons->addWidget(m_valuesButton);
    mappingsLayout->addLayout(mappingButtons);
    top->addWidget(mappingsBox, 3);
    layout->addLayout(top, 2);
    connect(addMapping, &QPushButton::clicked, this, [this]() {
        const int row = m_mappings->rowCount();
        m_mappings->insertRows(row, 1);
        m_mappingsView->setCurrentIndex(m_mappings->index(row, AttributionRulesModel::ValueColumn));
        m_mappingsView->edit(m_mappingsView->currentIndex());
    });
    connect(removeMapping, &QPushButton::clicked, this, [this]() {
        const QModelIndex current = m_mappingsView->currentIndex();
        if (current.isValid())
            m_mappings->removeRows(current.row(), 1);
    });
    connect(m_mappings, &AttributionRulesModel::tenantLookupRequested, this, &AttributionRulesDialog::lookUpSlug);
    connect(m_mappings, &AttributionRulesModel::edited, this, &AttributionRulesDialog::updateProblems);
    connect(m_mappings, &AttributionRulesModel::dataChanged, this, &AttributionRulesDialog::updateProblems);
    connect(m_valuesButton, &QPushButton::clicked, this, [this]() { showValuesSeen(); });
    connect(m_mappings, &AttributionRulesModel::edited, this, &AttributionRulesDialog::updateMappedValues);
    connect(m_mappings, &AttributionRulesModel::dataChanged, this, &AttributionRulesDialog::updateMappedValues);
    connect(m_mappings, &AttributionRulesModel::modelReset, this, &AttributionRulesDialog::updateMappedValues);

    auto* sharedBox = new QGroupBox(tr("S&hared cost"), this);
    auto* sharedLayout = new QVBoxLayout(sharedBox);
    m_sharedTable = new QTableWidget(0, SharedColumnCount, sharedBox);
    m_sharedTable->setAccessibleName(tr("Shared cost"));
    m_sharedTable->setObjectName(u"sharedCostTable"_s);
    m_sharedTable->setHorizontalHeaderLabels({tr("Match"), tr("Service or account"), tr("Split"),
                                              tr("Tenants (slugs, comma-separated; empty: all with direct cost)")});
    m_sharedTable->verticalHeader()->hide();
    m_sharedTable->horizontalHeader()->setStretchLastSection(true);
    m_sharedTable->setColumnWidth(SharedMatchColumn, 130);
    m_sharedTable->setColumnWidth(SharedValueColumn, 200);
    m_sharedTable->setColumnWidth(SharedSplitColumn, 130);
    sharedLayout->addWidget(m_sharedTable);
    auto* sharedButtons = new QHBoxLayout;
    auto* addShared = new QPushButton(tr("Add Sh&ared Cost"), sharedBox);
    addShared->setObjectName(u"addSharedCostButton"_s);
    auto* removeShared = new QPushButton(tr("Remove Shared C&ost"), sharedBox);
    sharedButtons->addWidget(addShared);
    sharedButtons->addWidget(removeShared);
    sharedButtons->addStretch();
    sharedLayout->addLayout(sharedButtons);
    layout->addWidget(sharedBox, 1);
    connect(addShared, &QPushButton::clicked, this, [this]() { addSharedRule(SharedCostRule{}); });
    connect(removeShared, &QPushButton::clicked, this, [this]() {
        if (m_sharedTable->currentRow() >= 0)
            m_sharedTable->removeRow(m_sharedTable->currentRow());
    });

    m_problemsLabel = new QLabel(this);
    m_problemsLabel->setObjectName(u"rulesProblemsLabel"_s);
    m_problemsLabel->setStyleSheet(u"color: #b3261e;"_s);
    m_problemsLabel->setWordWrap(true);
    m_problemsLabel->hide();
    layout->addWidget(m_problemsLabel);
    m_progressBar = new QProgressBar(this);
    m_progressBar->setObjectName(u"rulesProgressBar"_s);
    m_progressBar->setRange(0, 1000);
    m_progressBar->setTextVisible(false);
    m_progressBar->hide();
    layout->addWidget(m_progressBar);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"rulesStatusLabel"_s);
    m_statusLabel->setWordWrap(true);
    layout->addWidget(m_statusLabel);

    auto* buttons = new QDialogButtonBox(this);
    m_applyButton = buttons->addButton(tr("&Apply"), QDialogButtonBox::ApplyRole);
    m_applyButton->setObjectName(u"applyRulesButton"_s);
    m_applyButton->setToolTip(tr("Store the rules and attribute every line again"));
    m_closeButton = buttons->addButton(QDialogButtonBox::Close);
    m_closeButton->setObjectName(u"rulesCloseButton"_s);
    layout->addWidget(buttons);
    connect(m_applyButton, &QPushButton::clicked, this, &AttributionRulesDialog::apply);
    connect(m_closeButton, &QPushButton::clicked, this, &AttributionRulesDialog::reject);
    load();
    if (m_store) {
        whenReady(m_store->billingTagKeys(), this, [this](const QList<BillingTagKey>& keys) {
            QStringList names;
            for (const BillingTagKey& key : keys)
                names.append(key.key);
            m_keysSeen->setStringList(names);
        }, [](const StoreError&) {}); // nothing offered: the keys are still typed by hand
    }
}

QString AttributionRulesDialog::selectedTagKey() const
{
    const QModelIndex current = m_mappingsView->currentIndex();
    if (current.isValid()) {
        const QModelIndex key = m_mappings->index(current.row(), AttributionRulesModel::KeyColumn);
        if (key.data(AttributionRulesModel::SourceRole).toInt() == int(AttributionSource::Tag)
            && !key.data(Qt::EditRole).toString().isEmpty())
            return key.data(Qt::EditRole).toString();
    }
    if (const QListWidgetItem* item = m_keysList->currentItem())
        return item->text().trimmed();
    for (const AttributionMapping& mapping : m_mappings->mappings())
        if (mapping.source == AttributionSource::Tag && !mapping.key.isEmpty())
            return mapping.key;
    return {};
}

AttributionValuesDialog* AttributionRulesDialog::showValuesSeen(const QString& key)
{
    if (!m_valuesDialog) {
        m_valuesDialog = new AttributionValuesDialog(m_store, m_keysSeen, this);
        connect(m_valuesDialog, &AttributionValuesDialog::mapRequested, this, &AttributionRulesDialog::addTagMappings);
        connect(m_valuesDialog, &AttributionValuesDialog::valuesLoaded, this, &AttributionRulesDialog::updateMappedValues);
        connect(this, &AttributionRulesDialog::applied, m_valuesDialog, [this]() { m_valuesDialog->showKey(m_valuesDialog->key()); });
    }
    m_valuesDialog->showKey(key.isEmpty() ? selectedTagKey() : key);
    updateMappedValues();
    m_valuesDialog->show();
    m_valuesDialog->raise();
    m_valuesDialog->activateWindow();
    return m_valuesDialog;
}

void AttributionRulesDialog::addTagMappings(const QString& key, const QStringList& values, TenantId tenantId, const QString& slug)
{
    m_ids.insert(slug, tenantId);
    m_slugs.insert(tenantId, slug);
    m_mappings->learnTenant(tenantId, slug);
    const QList<AttributionMapping> existing = m_mappings->mappings();
    int lastRow = -1;
    for (const QString& value : values) {
        int row = -1;
        for (int i = 0; i < existing.size(); ++i) {
            const AttributionMapping& m = existing.at(i);
            if (m.source == AttributionSource::Tag && m.key == key && m.value == value)
                row = i;
        }
        if (row < 0) {
            row = m_mappings->rowCount();
            m_mappings->insertRows(row, 1);
            m_mappings->setData(m_mappings->index(row, AttributionRulesModel::SourceColumn), int(AttributionSource::Tag));
            m_mappings->setData(m_mappings->index(row, AttributionRulesModel::KeyColumn), key);
            m_mappings->setData(m_mappings->index(row, AttributionRulesModel::ValueColumn), value);
        }
        m_mappings->setData(m_mappings->index(row, AttributionRulesModel::TenantColumn), tenantId, AttributionRulesModel::TenantIdRole);
        lastRow = row;
    }
    if (lastRow >= 0)
        m_mappingsView->scrollTo(m_mappings->index(lastRow, AttributionRulesModel::ValueColumn));
    m_statusLabel->setText(tr("Mappings added: apply the rules to attribute the cost again."));
}

void AttributionRulesDialog::updateMappedValues()
{
    if (!m_valuesDialog)
        return;
    QHash<QString, QString> mapped;
    const QString key = m_valuesDialog->key();
    for (const AttributionMapping& mapping : m_mappings->mappings()) {
        if (mapping.source == AttributionSource::Tag && mapping.key == key && mapping.tenantId != 0 && !mapped.contains(mapping.value))
            mapped.insert(mapping.value, m_slugs.value(mapping.tenantId, m_mappings->slugOf(mapping.tenantId)));
    }
    m_valuesDialog->setMappedValues(mapped);
}

AttributionRulesDialog::~AttributionRulesDialog()
{
    if (m_busy)
        m_future.cancel();
}

void AttributionRulesDialog::setHistory(EditHistory* history, std::function<void()> afterUndo)
{
    m_history = history;
    m_afterUndo = std::move(afterUndo);
}

QString AttributionRulesDialog::statusText() const
{
    return m_statusLabel->text();
}

void AttributionRulesDialog::load(const QString& message)
{
    if (!m_store)
        return;
    setBusy(true);
    m_progressBar->hide();
    m_statusLabel->setText(message.isEmpty() ? tr("Reading the rules…") : message);
    whenReady(m_store->attributionRules(), this, [this, message](const AttributionRules& rules) {
        setBusy(false);
        m_stored = rules;
        showRules(rules);
        m_statusLabel->setText(message);
        Q_EMIT loaded();
    }, [this](const StoreError& error) {
        setBusy(false);
        m_applyButton->setEnabled(false);
        m_statusLabel->setText(tr("Could not read the rules: %1").arg(error.message()));
    });
}

void AttributionRulesDialog::showRules(const AttributionRules& rules)
{
    setTenantTagKeys(rules.tenantTagKeys);
    m_mappings->setMappings(rules.mappings);
    m_sharedTable->setRowCount(0);
    for (const SharedCostRule& rule : rules.sharedCosts)
        addSharedRule(rule);
    // The slugs of the tenants named by id.
    QList<TenantId> ids = m_mappings->unnamedTenants();
    for (const SharedCostRule& rule : rules.sharedCosts)
        for (TenantId id : rule.tenants)
            if (!ids.contains(id) && !m_slugs.contains(id))
                ids.append(id);
    for (TenantId id : std::as_const(ids)) {
        whenReady(m_store->tenant(id), this, [this, id](const Tenant& tenant) {
            m_ids.insert(tenant.slug, id);
            m_slugs.insert(id, tenant.slug);
            m_mappings->learnTenant(id, tenant.slug);
            for (int row = 0; row < m_sharedTable->rowCount(); ++row) {
                QTableWidgetItem* item = m_sharedTable->item(row, SharedTenantsColumn);
                QStringList parts = splitSlugs(item->text());
                for (QString& part : parts)
                    if (part == u'#' + QString::number(id))
                        part = tenant.slug;
                item->setText(parts.join(u", "_s));
            }
        }, [](const StoreError&) {});
    }
    updateProblems();
}

void AttributionRulesDialog::setTenantTagKeys(const QStringList& keys)
{
    m_keysList->clear();
    for (const QString& key : keys) {
        auto* item = new QListWidgetItem(key, m_keysList);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
}

void AttributionRulesDialog::addSharedRule(const SharedCostRule& rule)
{
    const int row = m_sharedTable->rowCount();
    m_sharedTable->insertRow(row);
    auto* match = new QComboBox(m_sharedTable);
    match->setAccessibleName(tr("Shared cost %1: match").arg(row + 1));
    match->addItem(tr("Service"), int(SharedCostMatch::ServiceName));
    match->addItem(tr("Account"), int(SharedCostMatch::SubAccount));
    match->setCurrentIndex(match->findData(int(rule.match)));
    m_sharedTable->setCellWidget(row, SharedMatchColumn, match);
    m_sharedTable->setItem(row, SharedValueColumn, new QTableWidgetItem(rule.value));
    auto* split = new QComboBox(m_sharedTable);
    split->setAccessibleName(tr("Shared cost %1: split").arg(row + 1));
    split->addItem(tr("Proportional"), int(SharedCostSplit::Proportional));
    split->addItem(tr("Even"), int(SharedCostSplit::Even));
    split->setCurrentIndex(split->findData(int(rule.split)));
    split->setToolTip(tr("Proportional: in proportion to each tenant's direct cost that month; Even: the same share each"));
    m_sharedTable->setCellWidget(row, SharedSplitColumn, split);
    QStringList slugs;
    for (TenantId id : rule.tenants)
        slugs.append(m_slugs.value(id, u'#' + QString::number(id)));
    m_sharedTable->setItem(row, SharedTenantsColumn, new QTableWidgetItem(slugs.join(u", "_s)));
}

AttributionRules AttributionRulesDialog::editedRules() const
{
    AttributionRules rules;
    rules.version = m_stored.version;
    for (int row = 0; row < m_keysList->count(); ++row)
        if (const QString key = m_keysList->item(row)->text().trimmed(); !key.isEmpty() && !rules.tenantTagKeys.contains(key))
            rules.tenantTagKeys.append(key);
    rules.mappings = m_mappings->mappings();
    for (int row = 0; row < m_sharedTable->rowCount(); ++row) {
        SharedCostRule rule;
        rule.match = SharedCostMatch(static_cast<QComboBox*>(m_sharedTable->cellWidget(row, SharedMatchColumn))->currentData().toInt());
        rule.value = m_sharedTable->item(row, SharedValueColumn) ? m_sharedTable->item(row, SharedValueColumn)->text().trimmed() : QString();
        rule.split = SharedCostSplit(static_cast<QComboBox*>(m_sharedTable->cellWidget(row, SharedSplitColumn))->currentData().toInt());
        const QTableWidgetItem* tenants = m_sharedTable->item(row, SharedTenantsColumn);
        for (const QString& slug : splitSlugs(tenants ? tenants->text() : QString())) {
            const TenantId id = slug.startsWith(u'#') ? slug.mid(1).toLongLong() : m_ids.value(slug);
            if (id != 0)
                rule.tenants.append(id);
        }
        rules.sharedCosts.append(rule);
    }
    return rules;
}

void AttributionRulesDialog::lookUpSlug(const QString& slug)
{
    if (!m_store || slug.isEmpty())
        return;
    if (const auto known = m_ids.constFind(slug); known != m_ids.cend()) {
        m_mappings->learnTenant(*known, slug);
        return;
    }
    whenReady(m_store->tenantBySlug(slug), this, [this](const Tenant& tenant) {
        m_ids.insert(tenant.slug, tenant.id);
        m_slugs.insert(tenant.id, tenant.slug);
        m_mappings->learnTenant(tenant.id, tenant.slug);
    }, [this, slug](const StoreError&) { m_mappings->tenantNotFound(slug); });
}

void AttributionRulesDialog::updateProblems()
{
    QStringList problems = m_mappings->problems();
    for (int row = 0; row < m_sharedTable->rowCount(); ++row) {
        const QTableWidgetItem* value = m_sharedTable->item(row, SharedValueColumn);
        if (!value || value->text().trimmed().isEmpty())
            problems.append(tr("Shared cost %1: name the service or account.").arg(row + 1));
    }
    m_problemsLabel->setText(problems.join(u'\n'));
    m_problemsLabel->setVisible(!problems.isEmpty());
}

// Every slug typed for a shared cost, looked up; `then` once all are known (or reported unknown).
void AttributionRulesDialog::resolveSlugs(const QStringList& slugs, std::function<void()> then)
{
    QStringList unknown;
    for (const QString& slug : slugs)
        if (!slug.startsWith(u'#') && !m_ids.contains(slug) && !unknown.contains(slug))
            unknown.append(slug);
    if (unknown.isEmpty())
        return then();
    auto remaining = std::make_shared<int>(int(unknown.size()));
    auto missing = std::make_shared<QStringList>();
    for (const QString& slug : std::as_const(unknown)) {
        const auto step = [this, remaining, missing, then]() {
            if (--*remaining > 0)
                return;
            if (!missing->isEmpty()) {
                setBusy(false);
                m_statusLabel->setText(tr("No tenant has the slug %1: nothing was applied.").arg(missing->join(u", "_s)));
                Q_EMIT applyEnded();
                return;
            }
            then();
        };
        whenReady(m_store->tenantBySlug(slug), this, [this, step](const Tenant& tenant) {
            m_ids.insert(tenant.slug, tenant.id);
            m_slugs.insert(tenant.id, tenant.slug);
            step();
        }, [missing, slug, step](const StoreError&) {
            missing->append(u'“' + slug + u'”');
            step();
        });
    }
}

void AttributionRulesDialog::apply()
{
    if (m_busy || !m_store)
        return;
    updateProblems();
    const QStringList problems = m_mappings->problems();
    if (!problems.isEmpty() || m_problemsLabel->isVisible()) {
        m_statusLabel->setText(tr("Correct the rules first: nothing was applied."));
        Q_EMIT applyEnded();
        return;
    }
    QStringList slugs;
    for (int row = 0; row < m_sharedTable->rowCount(); ++row)
        if (const QTableWidgetItem* item = m_sharedTable->item(row, SharedTenantsColumn))
            slugs += splitSlugs(item->text());
    setBusy(true);
    m_statusLabel->setText(tr("Looking up the tenants…"));
    resolveSlugs(slugs, [this]() { runApply(editedRules()); });
}

void AttributionRulesDialog::runApply(const AttributionRules& rules)
{
    setBusy(true);
    m_progressBar->setValue(0);
    m_progressBar->show();
    m_statusLabel->setText(tr("Applying the rules to every line…"));
    const AttributionRules before = m_stored;
    m_future = m_store->setAttributionRules(rules, m_stored.version);
    auto* watcher = new QFutureWatcher<AttributionResult>(this);
    connect(watcher, &QFutureWatcherBase::progressValueChanged, m_progressBar, &QProgressBar::setValue);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, before]() {
        watcher->deleteLater();
        QFuture<AttributionResult> done = watcher->future();
        setBusy(false);
        m_progressBar->hide();
        try {
            done.waitForFinished();
        } catch (const StoreError& error) {
            if (error.code() == ErrorCode::Conflict) {
                load(tr("Someone changed the rules meanwhile: they are shown as they are now, and yours were not "
                        "applied. Make your change again and apply."));
            } else {
                m_statusLabel->setText(tr("Could not apply the rules: %1 Nothing was changed.").arg(error.message()));
            }
            Q_EMIT applyEnded();
            return;
        } catch (...) {
            m_statusLabel->setText(tr("Could not apply the rules: an unexpected error occurred. Nothing was changed."));
            Q_EMIT applyEnded();
            return;
        }
        if (done.resultCount() == 0) {
            m_statusLabel->setText(tr("Cancelled: the rules and the attribution are as they were."));
            Q_EMIT applyEnded();
            return;
        }
        const AttributionResult result = done.result();
        m_stored = result.rules;
        if (m_history)
            m_history->record(new AttributionRulesEdit(before, result.rules, m_afterUndo));
        const QLocale locale;
        m_statusLabel->setText(tr("Applied: %1 lines attributed to tenants, %2 unallocated, %3 shared. Edit → Undo takes it back.")
                                   .arg(locale.toString(result.linesAttributed), locale.toString(result.linesUnallocated),
                                        locale.toString(result.linesShared)));
        Q_EMIT applied(result);
    });
    watcher->setFuture(m_future);
}

void AttributionRulesDialog::cancelApply()
{
    if (m_busy && m_future.isRunning()) {
        m_statusLabel->setText(tr("Cancelling…"));
        m_future.cancel();
    }
}

void AttributionRulesDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_applyButton->setEnabled(!busy);
    m_closeButton->setText(busy ? tr("Cancel") : tr("Close"));
}

void AttributionRulesDialog::reject()
{
    if (m_busy && m_future.isRunning()) {
        cancelApply(); // the dialog stays until the store has rolled back
        return;
    }
    QDialog::reject();
}

} // namespace TenantDesk
