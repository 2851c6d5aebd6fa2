#include "AttributionValuesDialog.h"

#include "Async.h"
#include "BillingTagValuesModel.h"

#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStringListModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace TenantDesk {

using namespace Qt::StringLiterals;

AttributionValuesDialog::AttributionValuesDialog(Store* store, QStringListModel* keysSeen, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_model(new BillingTagValuesModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(u"attributionValuesDialog"_s);
    setWindowTitle(tr("Values Seen"));
    resize(820, 560);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("The values this tag takes in the billing lines, the costliest first. Select values, "
                                "type a tenant and choose Map: the mappings are added to the rules, and Apply in "
                                "the rules stores them."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    m_keyCombo = new QComboBox(this);
    m_keyCombo->setObjectName(u"valuesKeyCombo"_s);
    m_keyCombo->setEditable(true);
    m_keyCombo->setInsertPolicy(QComboBox::NoInsert);
    m_keyCombo->setAccessibleName(tr("Tag key"));
    m_keyCombo->setToolTip(tr("The tag key whose values are listed; the keys seen in the billing lines are offered"));
    if (keysSeen)
        m_keyCombo->setModel(keysSeen);
    form->addRow(tr("Tag &key:"), m_keyCombo);
    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setObjectName(u"valuesFilterEdit"_s);
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setPlaceholderText(tr("Part of a value"));
    m_filterEdit->setAccessibleName(tr("Filter values"));
    form->addRow(tr("&Filter:"), m_filterEdit);
    layout->addLayout(form);

    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(BillingTagValuesModel::ValueColumn);
    m_proxy->setFilterRole(BillingTagValuesModel::ValueRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(BillingTagValuesModel::SortRole);
    m_view = new QTableView(this);
    m_view->setObjectName(u"valuesSeenView"_s);
    m_view->setAccessibleName(tr("Values seen"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the model's order: the costliest first
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(BillingTagValuesModel::ValueColumn, 220);
    m_view->setColumnWidth(BillingTagValuesModel::LinesColumn, 70);
    m_view->setColumnWidth(BillingTagValuesModel::CostColumn, 150);
    m_view->setColumnWidth(BillingTagValuesModel::AttributedColumn, 170);
    layout->addWidget(m_view, 1);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"valuesStatusLabel"_s);
    m_statusLabel->setWordWrap(true);
    layout->addWidget(m_statusLabel);

    auto* mapRow = new QHBoxLayout;
    auto* tenantLabel = new QLabel(tr("Map selected values to &tenant:"), this);
    m_tenantEdit = new QLineEdit(this);
    m_tenantEdit->setObjectName(u"valuesTenantEdit"_s);
    m_tenantEdit->setPlaceholderText(tr("Tenant slug"));
    m_tenantEdit->setAccessibleName(tr("Tenant to map the selected values to"));
    tenantLabel->setBuddy(m_tenantEdit);
    auto* slugs = new QStringListModel(m_tenantEdit);
    auto* completer = new QCompleter(slugs, m_tenantEdit);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_tenantEdit->setCompleter(completer);
    m_mapButton = new QPushButton(tr("&Map"), this);
    m_mapButton->setObjectName(u"mapValuesButton"_s);
    m_mapButton->setToolTip(tr("Add a mapping of each selected value to the tenant"));
    mapRow->addWidget(tenantLabel);
    mapRow->addWidget(m_tenantEdit, 1);
    mapRow->addWidget(m_mapButton);
    layout->addLayout(mapRow);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(m_filterEdit, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        updateStatus();
    });
    // An editable combo also says "activated" when it loses the focus: read again for another key only.
    connect(m_keyCombo, &QComboBox::activated, this, [this](int) {
        if (m_keyCombo->currentText().trimmed() != m_key)
            showKey(m_keyCombo->currentText().trimmed());
    });
    connect(m_keyCombo->lineEdit(), &QLineEdit::returnPressed, this, [this]() { showKey(m_keyCombo->currentText().trimmed()); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this]() {
        updateMapButton();
        updateStatus();
    });
    connect(m_tenantEdit, &QLineEdit::textChanged, this, &AttributionValuesDialog::updateMapButton);
    connect(m_tenantEdit, &QLineEdit::textEdited, this, [this, slugs](const QString& text) {
        if (!m_store || text.trimmed().isEmpty())
            return;
        whenReady(m_store->searchTenants(text.trimmed(), 20), m_tenantEdit, [slugs](const TenantSearchResult& result) {
            QStringList list;
            for (const Tenant& tenant : result.matches)
                list.append(tenant.slug);
            slugs->setStringList(list);
        }, [](const StoreError&) {});
    });
    connect(m_tenantEdit, &QLineEdit::returnPressed, this, [this]() {
        if (m_mapButton->isEnabled())
            mapSelectedTo(m_tenantEdit->text().trimmed());
    });
    connect(m_mapButton, &QPushButton::clicked, this, [this]() { mapSelectedTo(m_tenantEdit->text().trimmed()); });
    connect(this, &AttributionValuesDialog::mapRefused, m_statusLabel, &QLabel::setText);
    updateMapButton();
}

AttributionValuesDialog::~AttributionValuesDialog() = default;

void AttributionValuesDialog::showKey(const QString& key)
{
    m_key = key;
    if (m_keyCombo->currentText() != key)
        m_keyCombo->setCurrentText(key);
    m_model->setValues({});
    if (!m_store || key.isEmpty()) {
        m_statusLabel->setText(tr("Choose the tag key whose values to list."));
        m_keyCombo->setFocus();
        return;
    }
    m_statusLabel->setText(tr("Reading the values of “%1”…").arg(key));
    const quint64 generation = ++m_generation;
    whenReady(m_store->billingTagValues(BillingTagValueQuery{key, {}}), this,
        [this, generation](const QList<BillingTagValue>& rows) {
            if (generation != m_generation)
                return;
            m_model->setValues(rows);
            updateStatus();
            for (TenantId id : m_model->unnamedTenants()) {
                whenReady(m_store->tenant(id), this, [this, id](const Tenant& tenant) { m_model->learnTenant(id, tenant.slug); },
                          [](const StoreError&) {});
            }
            Q_EMIT valuesLoaded();
        },
        [this, generation](const StoreError& error) {
            if (generation != m_generation)
                return;
            m_statusLabel->setText(tr("Could not read the values: %1").arg(error.message()));
        });
}

void AttributionValuesDialog::setMappedValues(const QHash<QString, QString>& mapped)
{
    m_model->setMappedValues(mapped);
}

QStringList AttributionValuesDialog::selectedValues() const
{
    QStringList values;
    QModelIndexList rows = m_view->selectionModel()->selectedRows(BillingTagValuesModel::ValueColumn);
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& index : std::as_const(rows))
        values.append(index.data(BillingTagValuesModel::ValueRole).toString());
    return values;
}

void AttributionValuesDialog::mapSelectedTo(const QString& slug)
{
    const QStringList values = selectedValues();
    if (!m_store || values.isEmpty() || slug.isEmpty() || m_key.isEmpty())
        return;
    const QString key = m_key;
    m_statusLabel->setText(tr("Looking up “%1”…").arg(slug));
    whenReady(m_store->tenantBySlug(slug), this, [this, key, values](const Tenant& tenant) {
        Q_EMIT mapRequested(key, values, tenant.id, tenant.slug);
        m_statusLabel->setText(tr("Mapped to %1: %2. Apply the rules to attribute their cost.")
                                   .arg(tenant.slug, QLocale().toString(qint64(values.size()))));
    }, [this, slug](const StoreError&) { Q_EMIT mapRefused(tr("No tenant has the slug “%1”: nothing was mapped.").arg(slug)); });
}

QString AttributionValuesDialog::statusText() const
{
    return m_statusLabel->text();
}

void AttributionValuesDialog::updateStatus()
{
    const QLocale locale;
    if (m_model->rowCount() == 0) {
        m_statusLabel->setText(tr("No billing line carries the tag “%1”.").arg(m_key));
        return;
    }
    QString text = tr("%1 values on %2 lines.").arg(locale.toString(m_model->rowCount()), locale.toString(m_model->totalLines()));
    if (m_proxy->rowCount() != m_model->rowCount())
        text += u' ' + tr("%1 shown.").arg(locale.toString(m_proxy->rowCount()));
    if (const qsizetype selected = m_view->selectionModel()->selectedRows().size(); selected > 0)
        text += u' ' + tr("%1 selected.").arg(locale.toString(qint64(selected)));
    m_statusLabel->setText(text);
}

void AttributionValuesDialog::updateMapButton()
{
    m_mapButton->setEnabled(!m_tenantEdit->text().trimmed().isEmpty() && m_view->selectionModel()->hasSelection());
}

} // namespace TenantDesk
