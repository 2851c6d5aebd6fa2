#include "WelcomePage.h"

#include "ServerConnection.h"

#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent)
{
    auto* outer = new QHBoxLayout(this);
    outer->addStretch(1);
    auto* column = new QVBoxLayout;
    outer->addLayout(column, 2);
    outer->addStretch(1);

    column->addStretch(1);
    auto* title = new QLabel(tr("Welcome to TenantDesk"), this);
    QFont font = title->font();
    font.setPointSizeF(font.pointSizeF() * 2.0);
    font.setBold(true);
    title->setFont(font);
    column->addWidget(title);
    auto* intro = new QLabel(tr("Administer the tenants of a multi-tenant platform: their sub-tenants and "
                                "environments, users and roles, usage and billing. Start with the demo "
                                "platform, a new empty database, a database file you have, or a TenantDesk server."), this);
    intro->setWordWrap(true);
    column->addWidget(intro);
    column->addSpacing(12);

    const auto addButton = [&](const QString& text, const QString& name, auto signal) {
        auto* button = new QPushButton(text, this);
        button->setObjectName(name);
        button->setMinimumHeight(36);
        connect(button, &QPushButton::clicked, this, signal);
        column->addWidget(button);
        return button;
    };
    addButton(tr("Open the &demo platform"), u"openDemoButton"_s, &WelcomePage::openDemoRequested)->setDefault(true);
    addButton(tr("&New empty database…"), u"newDatabaseButton"_s, &WelcomePage::newDatabaseRequested);
    addButton(tr("&Open a database file…"), u"openDatabaseButton"_s, &WelcomePage::openDatabaseRequested);
    addButton(tr("&Connect to a server…"), u"connectServerButton"_s, &WelcomePage::connectServerRequested);

    column->addSpacing(12);
    column->addWidget(new QLabel(tr("Recent databases:"), this));
    m_recentList = new QListWidget(this);
    m_recentList->setObjectName(u"recentDatabasesList"_s);
    m_recentList->setAccessibleName(tr("Recent databases"));
    m_recentList->setMaximumHeight(160);
    connect(m_recentList, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        Q_EMIT recentDatabaseRequested(item->data(Qt::UserRole).toString());
    });
    column->addWidget(m_recentList);
    column->addStretch(2);
}

void WelcomePage::setRecentDatabases(const QStringList& paths)
{
    m_recentList->clear();
    for (const QString& path : paths) {
        auto* item = new QListWidgetItem(recentLabel(path), m_recentList);
        item->setData(Qt::UserRole, path);
    }
    m_recentList->setVisible(!paths.isEmpty());
}

} // namespace TenantDesk

namespace TenantDesk {

QString WelcomePage::recentLabel(const QString& entry)
{
    if (const auto server = parseServerRecentEntry(entry))
        return tr("%1 — %2").arg(server->second, server->first.toDisplayString());
    return QDir::toNativeSeparators(entry);
}

} // namespace TenantDesk
