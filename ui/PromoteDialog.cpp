#include "PromoteDialog.h"

#include "Async.h"
#include "FieldError.h"
#include "Store.h"
#include "StoreError.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QString shownValue(const QJsonObject& settings, const QString& key)
{
    if (!settings.contains(key))
        return QCoreApplication::translate("PromoteDialog", "(not set)");
    const QJsonValue value = settings.value(key);
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 15);
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

} // namespace

PromoteDialog::PromoteDialog(Store* store, const QList<Environment>& environments, QWidget* parent)
    : QDialog(parent)
    , m_store(store)
    , m_environments(environments)
{
    setWindowTitle(tr("Promote Settings"));
    setObjectName(u"promoteDialog"_s);
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_sourceCombo = new QComboBox(this);
    m_sourceCombo->setObjectName(u"sourceCombo"_s);
    m_targetCombo = new QComboBox(this);
    m_targetCombo->setObjectName(u"targetCombo"_s);
    for (const Environment& e : environments) {
        const QString label = u"%1 (%2)"_s.arg(e.name, environmentKindDisplayName(e.kind));
        m_sourceCombo->addItem(label, e.id);
        m_targetCombo->addItem(label, e.id);
    }
    form->addRow(tr("&From:"), m_sourceCombo);
    form->addRow(tr("&To:"), m_targetCombo);
    layout->addLayout(form);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(u"diffTable"_s);
    m_table->setAccessibleName(tr("Differences"));
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    layout->addWidget(m_table, 1);
    m_summary = new QLabel(this);
    m_summary->setObjectName(u"summaryLabel"_s);
    layout->addWidget(m_summary);
    m_error = makeErrorLabel(u"promoteError"_s, this);
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Promote"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &PromoteDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &PromoteDialog::reject);
    connect(m_table, &QTableWidget::itemChanged, this, [this]() {
        const qsizetype chosen = chosenKeys().size();
        m_summary->setText(tr("%n setting(s) will change in the target.", nullptr, int(chosen)));
        m_buttons->button(QDialogButtonBox::Ok)->setEnabled(chosen > 0 && m_sourceCombo->currentIndex() != m_targetCombo->currentIndex());
    });
    connect(m_sourceCombo, &QComboBox::currentIndexChanged, this, &PromoteDialog::showDiff);
    connect(m_targetCombo, &QComboBox::currentIndexChanged, this, &PromoteDialog::showDiff);

    // Staging to production when there are both, as promotions usually go.
    const auto firstOf = [&environments](EnvironmentKind kind) -> EnvironmentId {
        for (const Environment& e : environments) {
            if (e.kind == kind)
                return e.id;
        }
        return 0;
    };
    setSource(firstOf(EnvironmentKind::Staging) ? firstOf(EnvironmentKind::Staging) : (environments.size() > 1 ? environments.at(1).id : 0));
    setTarget(firstOf(EnvironmentKind::Production) ? firstOf(EnvironmentKind::Production) : (environments.isEmpty() ? 0 : environments.at(0).id));
    showDiff();
    resize(760, 460);
}

void PromoteDialog::setSource(EnvironmentId id)
{
    m_sourceCombo->setCurrentIndex(std::max(0, m_sourceCombo->findData(id)));
}

void PromoteDialog::setTarget(EnvironmentId id)
{
    m_targetCombo->setCurrentIndex(std::max(0, m_targetCombo->findData(id)));
}

Environment PromoteDialog::environment(const QComboBox* combo) const
{
    const EnvironmentId id = combo->currentData().toLongLong();
    for (const Environment& e : m_environments) {
        if (e.id == id)
            return e;
    }
    return {};
}

void PromoteDialog::showDiff()
{
    const Environment source = environment(m_sourceCombo);
    const Environment target = environment(m_targetCombo);
    m_table->blockSignals(true);
    m_table->setHorizontalHeaderLabels({tr("Setting"), source.name, target.name});
    QStringList keys = source.settings.keys() + target.settings.keys();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    m_table->setRowCount(int(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        const QString& key = keys.at(row);
        const bool differs = source.settings.value(key) != target.settings.value(key);
        auto* keyItem = new QTableWidgetItem(key);
        keyItem->setFlags(differs ? Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable : Qt::ItemIsSelectable);
        if (differs)
            keyItem->setCheckState(Qt::Checked);
        auto* from = new QTableWidgetItem(shownValue(source.settings, key));
        auto* to = new QTableWidgetItem(shownValue(target.settings, key));
        if (differs) {
            QFont bold = from->font();
            bold.setBold(true);
            from->setFont(bold);
            to->setFont(bold);
            from->setBackground(QColor(0xe6, 0xf4, 0xea));
            to->setBackground(QColor(0xfc, 0xe8, 0xe6));
            keyItem->setToolTip(tr("Differs: ticked keys take the value of %1.").arg(source.name));
        } else {
            for (QTableWidgetItem* item : {keyItem, from, to})
                item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
        }
        m_table->setItem(row, KeyColumn, keyItem);
        m_table->setItem(row, SourceColumn, from);
        m_table->setItem(row, TargetColumn, to);
    }
    m_table->blockSignals(false);
    const bool same = source.id == target.id;
    setError(m_error, same ? tr("Choose two different environments.") : QString());
    const qsizetype chosen = same ? 0 : chosenKeys().size();
    m_summary->setText(same ? QString() : chosen == 0 ? tr("The settings are the same: nothing to promote.")
                                                       : tr("%n setting(s) will change in the target.", nullptr, int(chosen)));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(chosen > 0);
}

QStringList PromoteDialog::chosenKeys() const
{
    QStringList keys;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QTableWidgetItem* item = m_table->item(row, KeyColumn);
        if (item && (item->flags() & Qt::ItemIsUserCheckable) && item->checkState() == Qt::Checked)
            keys << item->text();
    }
    return keys;
}

void PromoteDialog::accept()
{
    const Environment source = environment(m_sourceCombo);
    const Environment target = environment(m_targetCombo);
    const QStringList keys = chosenKeys();
    if (keys.isEmpty() || source.id == target.id)
        return;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    setError(m_error, {});
    whenReady(m_store->promoteEnvironment(source.id, target.id, keys, target.version), this,
        [this, target](const Environment& promoted) {
            m_targetBefore = target;
            m_promoted = promoted;
            QDialog::accept();
        },
        [this](const StoreError& error) {
            m_buttons->button(QDialogButtonBox::Ok)->setEnabled(true);
            setError(m_error, error.code() == ErrorCode::Conflict
                                  ? tr("The target was changed by someone else meanwhile; close this window and promote again.")
                                  : error.message());
        });
}

} // namespace TenantDesk
