#include "AuditPage.h"

#include "Async.h"
#include "AuditDiffModel.h"
#include "AuditEventModel.h"
#include "DetailForm.h"
#include "JsonCodec.h"

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFrame>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

// The actions the audit trail records, for the action filter (which also takes any other).
const QStringList knownActions{
    u"tenant.create"_s, u"tenant.update"_s, u"tenant.move"_s, u"tenant.provision"_s, u"tenant.activate"_s,
    u"tenant.suspend"_s, u"tenant.resume"_s, u"tenant.decommission"_s, u"tenant.decommission_step"_s,
    u"tenant.archive"_s, u"tenant.restore"_s, u"tenant.delete"_s, u"environment.add"_s,
    u"environment.update"_s, u"environment.remove"_s, u"environment.promote"_s,
};

QLabel* makeErrorLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setStyleSheet(u"color: #b3261e;"_s);
    label->hide();
    return label;
}

void setError(QLabel* label, const QString& text)
{
    label->setText(text);
    label->setAccessibleDescription(text);
    label->setVisible(!text.isEmpty());
}

// The widget `name`d for tests and style sheets, and for assistive technology.
template<typename Widget>
Widget* named(Widget* widget, const QString& objectName, const QString& accessibleName)
{
    widget->setObjectName(objectName);
    widget->setAccessibleName(accessibleName);
    return widget;
}

} // namespace

AuditPage::AuditPage(QWidget* parent)
    : QWidget(parent)
    , m_eventModel(new AuditEventModel(this))
    , m_diffModel(new AuditDiffModel(this))
{
    auto* layout = new QVBoxLayout(this);
    m_titleLabel = makeTitleLabel(u"auditTitleLabel"_s, this);
    m_titleLabel->setText(tr("Audit Trail"));
    m_titleLabel->setAccessibleName(tr("Audit Trail"));
    layout->addWidget(m_titleLabel);
    layout->addWidget(createFilterBar());

    m_errorFrame = named(new QFrame(this), u"auditErrorFrame"_s, tr("Audit trail error"));
    m_errorFrame->setFrameShape(QFrame::StyledPanel);
    auto* errorLayout = new QHBoxLayout(m_errorFrame);
    m_errorLabel = named(makeErrorLabel(u"auditErrorLabel"_s, m_errorFrame), u"auditErrorLabel"_s,
                         tr("Why the audit trail could not be read"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->show();
    m_retryButton = named(new QPushButton(tr("Retr&y"), m_errorFrame), u"retryButton"_s, tr("Retry reading the audit trail"));
    errorLayout->addWidget(m_errorLabel, 1);
    errorLayout->addWidget(m_retryButton);
    m_errorFrame->hide();
    layout->addWidget(m_errorFrame);

    m_splitter = named(new QSplitter(Qt::Vertical, this), u"auditSplitter"_s, tr("Audit events and the selected event's changes"));
    m_eventTableView = named(new QTableView(m_splitter), u"auditTableView"_s, tr("Audit events, newest first"));
    m_eventTableView->setTabKeyNavigation(false);
    m_eventTableView->setModel(m_eventModel);
    // A page that could not be read shows as a row where the list stops, across the table;
    // Enter or a double-click on it reads that page again.
    m_eventModel->setErrorRowShown(true);
    m_eventTableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_eventTableView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_eventTableView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_eventTableView->setSortingEnabled(false); // the store's order: newest first
    m_eventTableView->setAlternatingRowColors(true);
    m_eventTableView->setWordWrap(false);
    m_eventTableView->setContextMenuPolicy(Qt::CustomContextMenu);
    m_eventTableView->verticalHeader()->hide();
    m_eventTableView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    const int rowHeight = m_eventTableView->fontMetrics().height() + 8;
    m_eventTableView->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_eventTableView->horizontalHeader()->setStretchLastSection(true);
    m_eventTableView->horizontalHeader()->setHighlightSections(false);
    m_eventTableView->setColumnWidth(AuditEventModel::TimeColumn, 150);
    m_eventTableView->setColumnWidth(AuditEventModel::ActorColumn, 150);
    m_eventTableView->setColumnWidth(AuditEventModel::ActionColumn, 160);
    m_eventTableView->setColumnWidth(AuditEventModel::TenantColumn, 200);

    m_copyJsonAction = new QAction(tr("&Copy Event as JSON"), this);
    m_copyJsonAction->setObjectName(u"copyEventJsonAction"_s);
    m_copyJsonAction->setShortcut(QKeySequence::Copy);
    m_copyJsonAction->setShortcutContext(Qt::WidgetShortcut);
    m_copyJsonAction->setEnabled(false);
    m_eventTableView->addAction(m_copyJsonAction);
    connect(m_copyJsonAction, &QAction::triggered, this, &AuditPage::copyEventAsJson);
    connect(m_eventTableView, &QTableView::customContextMenuRequested, this, &AuditPage::showEventMenu);

    auto* diffPane = new QWidget(m_splitter);
    auto* diffLayout = new QVBoxLayout(diffPane);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    m_eventSummaryLabel = named(new QLabel(diffPane), u"eventSummaryLabel"_s, tr("The selected event"));
    m_eventSummaryLabel->setWordWrap(true);
    m_eventSummaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    diffLayout->addWidget(m_eventSummaryLabel);
    m_diffTableView = named(new QTableView(diffPane), u"diffTableView"_s, tr("What the selected event changed"));
    m_diffTableView->setTabKeyNavigation(false);
    m_diffTableView->setModel(m_diffModel);
    m_diffTableView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_diffTableView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_diffTableView->setWordWrap(false);
    m_diffTableView->verticalHeader()->hide();
    m_diffTableView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_diffTableView->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_diffTableView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_diffTableView->horizontalHeader()->setSectionResizeMode(AuditDiffModel::BeforeColumn, QHeaderView::Stretch);
    m_diffTableView->horizontalHeader()->setSectionResizeMode(AuditDiffModel::AfterColumn, QHeaderView::Stretch);
    m_diffTableView->setColumnWidth(AuditDiffModel::KeyColumn, 220);
    m_diffTableView->setColumnWidth(AuditDiffModel::ChangeColumn, 90);
    diffLayout->addWidget(m_diffTableView, 1);
    m_splitter->addWidget(m_eventTableView);
    m_splitter->addWidget(diffPane);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    layout->addWidget(m_splitter, 1);

    m_statusLabel = named(new QLabel(this), u"auditStatusLabel"_s, tr("Audit trail status"));
    layout->addWidget(m_statusLabel);

    m_applyTimer = new QTimer(this);
    m_applyTimer->setSingleShot(true);
    m_applyTimer->setInterval(filterDelayMs);
    connect(m_applyTimer, &QTimer::timeout, this, &AuditPage::applyFilters);

    connect(m_retryButton, &QPushButton::clicked, m_eventModel, &AuditEventModel::retry);
    connect(m_eventModel, &AuditEventModel::errorMessageChanged, this, [this](const QString& message) {
        m_errorLabel->setText(tr("Could not read the audit trail: %1").arg(message));
        m_errorLabel->setAccessibleDescription(m_errorLabel->text());
        m_errorFrame->setVisible(!message.isEmpty());
    });
    connect(m_eventModel, &AuditEventModel::loadingChanged, this, &AuditPage::updateStatus);
    connect(m_eventModel, &AuditEventModel::errorMessageChanged, this, &AuditPage::updateStatus);
    connect(m_eventModel, &AuditEventModel::rowsInserted, this, &AuditPage::updateStatus);
    connect(m_eventTableView, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
        if (index.data(AuditEventModel::ErrorRowRole).toBool())
            m_eventModel->retry();
    });
    connect(m_eventModel, &AuditEventModel::rowsInserted, this, [this]() {
        const int row = m_eventModel->errorRow();
        if (row >= 0)
            m_eventTableView->setSpan(row, 0, 1, AuditEventModel::ColumnCount);
    });
    connect(m_eventModel, &AuditEventModel::modelReset, this, [this]() {
        m_eventTableView->clearSpans(); // the error row's, if any: gone with the reset
        updateStatus();
        showCurrentEvent();
    });
    connect(m_eventTableView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &AuditPage::showCurrentEvent);
    showCurrentEvent();
    updateStatus();
}

AuditPage::~AuditPage() = default;

QWidget* AuditPage::createFilterBar()
{
    auto* bar = new QWidget(this);
    bar->setObjectName(u"auditFilterBar"_s);
    auto* grid = new QGridLayout(bar);
    grid->setContentsMargins(0, 0, 0, 0);
    const auto startTimer = [this]() { m_applyTimer->start(); };

    // Tenant: a slug, or the scope the page was opened for.
    m_tenantLineEdit = named(new QLineEdit(bar), u"tenantLineEdit"_s, tr("Tenant slug filter"));
    m_tenantLineEdit->setPlaceholderText(tr("Any tenant (slug)"));
    m_tenantLineEdit->setClearButtonEnabled(true);
    m_thisTenantCheckBox = named(new QCheckBox(tr("This te&nant"), bar), u"thisTenantCheckBox"_s,
                                 tr("Only the tenant the page was opened for"));
    m_thisTenantCheckBox->hide();
    m_tenantErrorLabel = named(makeErrorLabel(u"tenantErrorLabel"_s, bar), u"tenantErrorLabel"_s, tr("Tenant filter error"));
    auto* tenantBox = new QHBoxLayout;
    tenantBox->addWidget(m_tenantLineEdit, 1);
    tenantBox->addWidget(m_thisTenantCheckBox);
    tenantBox->addWidget(m_tenantErrorLabel);
    auto* tenantLabel = new QLabel(tr("&Tenant:"), bar);
    tenantLabel->setBuddy(m_tenantLineEdit);
    connect(m_tenantLineEdit, &QLineEdit::textChanged, this, startTimer);
    connect(m_tenantLineEdit, &QLineEdit::returnPressed, this, &AuditPage::applyFilters);
    connect(m_thisTenantCheckBox, &QCheckBox::toggled, this, &AuditPage::useThisTenant);

    m_actorLineEdit = named(new QLineEdit(bar), u"actorLineEdit"_s, tr("Actor filter"));
    m_actorLineEdit->setPlaceholderText(tr("Anyone (exactly, e.g. system)"));
    m_actorLineEdit->setClearButtonEnabled(true);
    auto* actorLabel = new QLabel(tr("Acto&r:"), bar);
    actorLabel->setBuddy(m_actorLineEdit);
    connect(m_actorLineEdit, &QLineEdit::textChanged, this, startTimer);
    connect(m_actorLineEdit, &QLineEdit::returnPressed, this, &AuditPage::applyFilters);

    m_actionComboBox = named(new QComboBox(bar), u"actionComboBox"_s, tr("Action filter"));
    m_actionComboBox->setEditable(true);
    m_actionComboBox->setInsertPolicy(QComboBox::NoInsert);
    m_actionComboBox->addItem(QString());
    m_actionComboBox->addItem(u"tenant."_s);
    m_actionComboBox->setItemData(1, tr("Every tenant action"), Qt::ToolTipRole);
    m_actionComboBox->addItem(u"environment."_s);
    m_actionComboBox->setItemData(2, tr("Every environment action"), Qt::ToolTipRole);
    m_actionComboBox->insertSeparator(3);
    m_actionComboBox->addItems(knownActions);
    m_actionComboBox->lineEdit()->setPlaceholderText(tr("Any action"));
    m_actionComboBox->lineEdit()->setClearButtonEnabled(true);
    m_actionComboBox->setMinimumContentsLength(22);
    m_actionComboBox->setToolTip(tr("An action, or a prefix ending in “.” for a group of actions"));
    auto* actionLabel = new QLabel(tr("&Action:"), bar);
    actionLabel->setBuddy(m_actionComboBox);
    connect(m_actionComboBox, &QComboBox::currentTextChanged, this, startTimer);
    connect(m_actionComboBox->lineEdit(), &QLineEdit::returnPressed, this, &AuditPage::applyFilters);

    // The time range: each end either any time or a time of its own.
    const auto makeRangeEnd = [&](const QString& text, const QString& objectName, const QString& accessible) {
        auto* checkBox = named(new QCheckBox(text, bar), objectName + u"CheckBox"_s, accessible);
        auto* edit = named(new QDateTimeEdit(bar), objectName + u"DateTimeEdit"_s, accessible);
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
        edit->setMinimumDateTime(QDateTime(QDate(1970, 1, 1), QTime(0, 0)));
        edit->setSpecialValueText(tr("Any time"));
        edit->setDateTime(edit->minimumDateTime());
        edit->setEnabled(false);
        connect(edit, &QDateTimeEdit::dateTimeChanged, this, startTimer);
        return std::pair{checkBox, edit};
    };
    std::tie(m_fromCheckBox, m_fromDateTimeEdit) = makeRangeEnd(tr("Fro&m"), u"from"_s, tr("Events from this time on"));
    std::tie(m_toCheckBox, m_toDateTimeEdit) = makeRangeEnd(tr("t&o"), u"to"_s, tr("Events before this time"));
    connect(m_fromCheckBox, &QCheckBox::toggled, this, [this](bool checked) {
        const QDateTime weekAgo(QDate::currentDate().addDays(-7), QTime(0, 0));
        setRangeEnabled(m_fromDateTimeEdit, checked, weekAgo);
    });
    connect(m_toCheckBox, &QCheckBox::toggled, this, [this](bool checked) {
        const QDateTime tomorrow(QDate::currentDate().addDays(1), QTime(0, 0));
        setRangeEnabled(m_toDateTimeEdit, checked, tomorrow);
    });
    m_timeErrorLabel = named(makeErrorLabel(u"timeErrorLabel"_s, bar), u"timeErrorLabel"_s, tr("Time range error"));
    auto* timeBox = new QHBoxLayout;
    timeBox->addWidget(m_fromCheckBox);
    timeBox->addWidget(m_fromDateTimeEdit, 1);
    timeBox->addWidget(m_toCheckBox);
    timeBox->addWidget(m_toDateTimeEdit, 1);
    timeBox->addWidget(m_timeErrorLabel);

    m_textLineEdit = named(new QLineEdit(bar), u"textLineEdit"_s, tr("Search the audit trail"));
    m_textLineEdit->setPlaceholderText(tr("Text in the object, actor or values (Ctrl+F)"));
    m_textLineEdit->setClearButtonEnabled(true);
    auto* textLabel = new QLabel(tr("&Search:"), bar);
    textLabel->setBuddy(m_textLineEdit);
    connect(m_textLineEdit, &QLineEdit::textChanged, this, startTimer);
    connect(m_textLineEdit, &QLineEdit::returnPressed, this, &AuditPage::applyFilters);
    auto* clearText = new QShortcut(QKeySequence(Qt::Key_Escape), m_textLineEdit, nullptr, nullptr, Qt::WidgetShortcut);
    connect(clearText, &QShortcut::activated, m_textLineEdit, &QLineEdit::clear);

    m_clearFiltersButton = named(new QPushButton(tr("&Clear Filters"), bar), u"clearFiltersButton"_s, tr("Clear every filter"));
    connect(m_clearFiltersButton, &QPushButton::clicked, this, &AuditPage::clearFilters);
    m_refreshButton = named(new QPushButton(tr("Re&load"), bar), u"refreshButton"_s, tr("Read the audit trail again"));
    m_refreshButton->setToolTip(tr("Read the matching events again, with any that were added since"));
    connect(m_refreshButton, &QPushButton::clicked, this, &AuditPage::refresh);

    grid->addWidget(tenantLabel, 0, 0);
    grid->addLayout(tenantBox, 0, 1);
    grid->addWidget(actorLabel, 0, 2);
    grid->addWidget(m_actorLineEdit, 0, 3);
    grid->addWidget(actionLabel, 1, 0);
    grid->addWidget(m_actionComboBox, 1, 1);
    grid->addLayout(timeBox, 1, 2, 1, 2);
    grid->addWidget(textLabel, 2, 0);
    auto* textBox = new QHBoxLayout;
    textBox->addWidget(m_textLineEdit, 1);
    textBox->addWidget(m_clearFiltersButton);
    textBox->addWidget(m_refreshButton);
    grid->addLayout(textBox, 2, 1, 1, 3);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);
    return bar;
}

void AuditPage::setStore(Store* store)
{
    m_store = store;
    ++m_applySerial;
    m_applyTimer->stop();
    m_tenantIdsBySlug.clear();
    m_eventModel->setStore(store);
    m_diffModel->clear();
    // The scope's id belongs to the previous store.
    m_scopeTenantId = 0;
    m_scopeSlug.clear();
    {
        const QSignalBlocker scopeBlocker(m_thisTenantCheckBox);
        const QSignalBlocker tenantBlocker(m_tenantLineEdit);
        if (m_thisTenantCheckBox->isChecked())
            m_tenantLineEdit->clear(); // it showed the scope's slug; a slug typed in stays
        m_thisTenantCheckBox->setChecked(false);
        m_thisTenantCheckBox->hide();
    }
    m_tenantLineEdit->setEnabled(true);
    setTenantError({});
    m_stale = true;
    if (m_store && isVisible())
        applyFilters();
    updateStatus();
}

void AuditPage::setTenantScope(TenantId tenantId)
{
    m_scopeTenantId = tenantId;
    m_scopeSlug.clear();
    {
        const QSignalBlocker blocker(m_thisTenantCheckBox);
        m_thisTenantCheckBox->setChecked(tenantId != 0);
        m_thisTenantCheckBox->setText(tr("This te&nant"));
        m_thisTenantCheckBox->setVisible(tenantId != 0);
    }
    {
        const QSignalBlocker blocker(m_tenantLineEdit);
        m_tenantLineEdit->clear();
        m_tenantLineEdit->setEnabled(tenantId == 0);
    }
    if (tenantId != 0 && m_store) {
        whenReady(m_store->tenant(tenantId), this,
            [this, tenantId](const Tenant& tenant) {
                if (tenantId != m_scopeTenantId)
                    return;
                m_scopeSlug = tenant.slug;
                m_tenantIdsBySlug.insert(tenant.slug, tenant.id);
                m_thisTenantCheckBox->setText(tr("This te&nant (%1)").arg(tenant.slug));
                m_thisTenantCheckBox->setToolTip(tenant.displayName);
                if (m_thisTenantCheckBox->isChecked()) {
                    const QSignalBlocker blocker(m_tenantLineEdit);
                    m_tenantLineEdit->setText(tenant.slug);
                }
            },
            [](const StoreError&) {}); // the events say it when the tenant is gone
    }
    applyFilters();
}

void AuditPage::useThisTenant(bool checked)
{
    const QSignalBlocker blocker(m_tenantLineEdit);
    m_tenantLineEdit->setText(checked ? m_scopeSlug : QString());
    m_tenantLineEdit->setEnabled(!checked);
    if (!checked)
        m_tenantLineEdit->setFocus(Qt::OtherFocusReason);
    applyFilters();
}

void AuditPage::setRangeEnabled(QDateTimeEdit* edit, bool enabled, const QDateTime& initial)
{
    {
        const QSignalBlocker blocker(edit);
        edit->setDateTime(enabled ? initial : edit->minimumDateTime()); // the minimum reads "Any time"
        edit->setEnabled(enabled);
    }
    if (enabled)
        edit->setFocus(Qt::OtherFocusReason);
    m_applyTimer->start();
}

void AuditPage::clearFilters()
{
    const QSignalBlocker tenantBlocker(m_tenantLineEdit);
    const QSignalBlocker scopeBlocker(m_thisTenantCheckBox);
    const QSignalBlocker actorBlocker(m_actorLineEdit);
    const QSignalBlocker actionBlocker(m_actionComboBox);
    const QSignalBlocker textBlocker(m_textLineEdit);
    m_thisTenantCheckBox->setChecked(false);
    m_tenantLineEdit->setEnabled(true);
    m_tenantLineEdit->clear();
    m_actorLineEdit->clear();
    m_actionComboBox->setCurrentIndex(0);
    m_actionComboBox->clearEditText();
    m_textLineEdit->clear();
    m_fromCheckBox->setChecked(false);
    m_toCheckBox->setChecked(false);
    applyFilters();
}

void AuditPage::refresh()
{
    applyFilters();
}

void AuditPage::applyFilters()
{
    m_applyTimer->stop();
    const quint64 serial = ++m_applySerial;
    m_stale = false;
    if (!m_store)
        return;

    AuditQuery query;
    query.actor = m_actorLineEdit->text().trimmed();
    query.action = m_actionComboBox->currentText().trimmed();
    query.text = m_textLineEdit->text().trimmed();
    if (m_fromCheckBox->isChecked())
        query.from = m_fromDateTimeEdit->dateTime();
    if (m_toCheckBox->isChecked())
        query.to = m_toDateTimeEdit->dateTime();
    if (query.from.isValid() && query.to.isValid() && query.from >= query.to) {
        setTimeError(tr("Choose a start before the end."));
        return refuseFilters();
    }
    setTimeError({});

    if (m_thisTenantCheckBox->isChecked() && m_scopeTenantId != 0) {
        query.tenantId = m_scopeTenantId;
        return applyQuery(query);
    }
    const QString slug = m_tenantLineEdit->text().trimmed();
    if (slug.isEmpty())
        return applyQuery(query);
    if (const auto known = m_tenantIdsBySlug.constFind(slug); known != m_tenantIdsBySlug.cend()) {
        query.tenantId = *known;
        return applyQuery(query);
    }
    whenReady(m_store->tenantBySlug(slug), this,
        [this, serial, query](const Tenant& tenant) mutable {
            if (serial != m_applySerial)
                return;
            m_tenantIdsBySlug.insert(tenant.slug, tenant.id);
            query.tenantId = tenant.id;
            applyQuery(query);
        },
        [this, serial, slug](const StoreError& error) {
            if (serial != m_applySerial)
                return;
            setTenantError(error.code() == ErrorCode::NotFound ? tr("No tenant has the slug “%1”.").arg(slug)
                                                               : error.message());
            refuseFilters();
        });
}

void AuditPage::applyQuery(const AuditQuery& query)
{
    setTenantError({});
    m_eventModel->setQuery(query);
    Q_EMIT filtersApplied();
}

void AuditPage::refuseFilters()
{
    // No events rather than those of filters the person has moved on from.
    m_eventModel->clear();
    Q_EMIT filtersApplied();
}

void AuditPage::setTenantError(const QString& message)
{
    setError(m_tenantErrorLabel, message);
}

void AuditPage::setTimeError(const QString& message)
{
    setError(m_timeErrorLabel, message);
}

AuditEvent AuditPage::currentEvent() const
{
    const QModelIndex current = m_eventTableView->currentIndex();
    return current.isValid() ? m_eventModel->event(current.row()) : AuditEvent();
}

void AuditPage::showCurrentEvent()
{
    const AuditEvent event = currentEvent();
    m_copyJsonAction->setEnabled(event.id != 0);
    if (event.id == 0) {
        m_diffModel->clear();
        m_eventSummaryLabel->setText(tr("Select an event to see what it changed."));
        return;
    }
    m_diffModel->setEvent(event);
    const QString object = event.objectId.isEmpty() ? event.objectType : QString(event.objectType + u" “"_s + event.objectId + u"”"_s);
    m_eventSummaryLabel->setText(tr("%1 of %2 by %3 on %4 (event %5)")
                                     .arg(event.action, object, event.actor, formatTime(event.at))
                                     .arg(event.id));
    m_eventSummaryLabel->setAccessibleDescription(m_eventSummaryLabel->text());
}

void AuditPage::updateStatus()
{
    const int rows = m_eventModel->eventCount();
    QString text;
    if (!m_store)
        text = tr("No database open.");
    else if (m_eventModel->isLoading())
        text = rows == 0 ? tr("Loading…") : tr("%n event(s) so far; loading more…", nullptr, rows);
    else if (m_eventModel->hasError())
        text = tr("%n event(s) shown; the rest could not be read.", nullptr, rows);
    else if (!m_eventModel->isComplete())
        text = tr("%n event(s) so far, newest first; scroll down for older ones.", nullptr, rows);
    else if (rows == 0)
        text = tr("No events match the filters.");
    else
        text = tr("%n event(s), newest first.", nullptr, rows);
    m_statusLabel->setText(text);
}

void AuditPage::showEventMenu(const QPoint& position)
{
    const QModelIndex index = m_eventTableView->indexAt(position);
    if (!index.isValid())
        return;
    m_eventTableView->setCurrentIndex(index);
    QMenu menu(this);
    menu.setObjectName(u"auditEventMenu"_s);
    menu.addAction(m_copyJsonAction);
    menu.exec(m_eventTableView->viewport()->mapToGlobal(position));
}

void AuditPage::copyEventAsJson()
{
    const AuditEvent event = currentEvent();
    if (event.id == 0)
        return;
    QGuiApplication::clipboard()->setText(
        QString::fromUtf8(QJsonDocument(JsonCodec::toJson(event)).toJson(QJsonDocument::Indented)));
}

void AuditPage::focusTextFilter()
{
    m_textLineEdit->setFocus(Qt::ShortcutFocusReason);
    m_textLineEdit->selectAll();
}

bool AuditPage::event(QEvent* event)
{
    // Ctrl+F anywhere on the page finds in the audit trail rather than the window's tenant tree:
    // the page claims the key before the window's shortcut sees it, then acts on the key press.
    if (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Find)) {
            key->accept();
            if (event->type() == QEvent::KeyPress)
                focusTextFilter();
            return true;
        }
    }
    return QWidget::event(event);
}

void AuditPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale && m_store)
        applyFilters();
}

} // namespace TenantDesk
