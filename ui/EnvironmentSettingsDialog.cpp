#include "EnvironmentSettingsDialog.h"

#include "Async.h"
#include "FieldError.h"
#include "Store.h"
#include "StoreError.h"
#include "TenantSettings.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

EnvironmentSettingsDialog::EnvironmentSettingsDialog(Store* store, const Environment& environment, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_environment(environment)
{
    setWindowTitle(tr("Settings of %1").arg(environment.name));
    setObjectName(u"environmentSettingsDialog"_s);
    auto* layout = new QVBoxLayout(this);
    m_table = new QTableWidget(0, 2, this);
    m_table->setObjectName(u"environmentSettingsTable"_s);
    m_table->setAccessibleName(tr("Settings"));
    m_table->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    for (auto it = environment.settings.begin(); it != environment.settings.end(); ++it)
        addRow(it.key(), shownValue(it.value()));
    layout->addWidget(m_table, 1);
    auto* rowButtons = new QHBoxLayout;
    auto* add = new QPushButton(tr("A&dd"), this);
    auto* remove = new QPushButton(tr("Re&move"), this);
    connect(add, &QPushButton::clicked, this, [this]() {
        addRow({}, {});
        m_table->editItem(m_table->item(m_table->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this]() {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    rowButtons->addWidget(add);
    rowButtons->addWidget(remove);
    rowButtons->addStretch();
    layout->addLayout(rowButtons);
    m_error = makeErrorLabel(u"environmentSettingsError"_s, this);
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &EnvironmentSettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &EnvironmentSettingsDialog::reject);
    layout->addWidget(m_buttons);
    resize(560, 420);
}

QJsonValue EnvironmentSettingsDialog::typedValue(const QString& text)
{
    if (text == u"true"_s || text == u"false"_s)
        return text == u"true"_s;
    bool ok = false;
    const double number = text.toDouble(&ok);
    if (ok && !text.trimmed().isEmpty())
        return number;
    return text;
}

QString EnvironmentSettingsDialog::shownValue(const QJsonValue& value)
{
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 15);
    return value.toString();
}

void EnvironmentSettingsDialog::addRow(const QString& key, const QString& value)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, 0, new QTableWidgetItem(key));
    m_table->setItem(row, 1, new QTableWidgetItem(value));
}

QJsonObject EnvironmentSettingsDialog::settings() const
{
    QJsonObject settings;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString key = m_table->item(row, 0) ? m_table->item(row, 0)->text().trimmed() : QString();
        if (!key.isEmpty())
            settings.insert(key, typedValue(m_table->item(row, 1) ? m_table->item(row, 1)->text() : QString()));
    }
    return settings;
}

void EnvironmentSettingsDialog::accept()
{
    const QJsonObject edited = settings();
    if (edited == m_environment.settings) {
        m_saved = m_environment;
        QDialog::accept();
        return;
    }
    try {
        TenantSettings::checkEnvironmentSettings(edited);
    } catch (const StoreError& error) {
        setError(m_error, error.message());
        return;
    }
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(false);
    whenReady(m_store->updateEnvironment(m_environment.id, {std::nullopt, edited}, m_environment.version), this,
        [this](const Environment& saved) {
            m_saved = saved;
            QDialog::accept();
        },
        [this](const StoreError& error) {
            m_buttons->button(QDialogButtonBox::Save)->setEnabled(true);
            setError(m_error, error.message());
        });
}

} // namespace TenantDesk
