#include "ConnectDialog.h"

#include "Async.h"
#include "StoreError.h"
#include "StoreFactory.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace TenantDesk {

using namespace Qt::StringLiterals;

namespace {

QLabel* makeErrorLabel(const QString& objectName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xb0, 0x1c, 0x1c));
    label->setPalette(palette);
    label->hide();
    return label;
}

QString emailProblem(const QString& email)
{
    const QString trimmed = email.trimmed();
    if (trimmed.isEmpty())
        return ConnectDialog::tr("Enter the e-mail address you sign in with.");
    const qsizetype at = trimmed.indexOf(u'@');
    if (at <= 0 || at != trimmed.lastIndexOf(u'@') || at == trimmed.size() - 1 || trimmed.contains(u' '))
        return ConnectDialog::tr("“%1” is not an e-mail address.").arg(trimmed);
    return {};
}

} // namespace

ConnectDialog::ConnectDialog(QWidget* parent)
    : QDialog(parent)
    , m_storeMaker(&StoreFactory::server)
{
    setObjectName(u"connectDialog"_s);
    setWindowTitle(tr("Connect to Server"));
    setMinimumWidth(480);

    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Sign in to a TenantDesk server to administer its platform."), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    const auto addField = [&](const QString& text, QLineEdit* edit, QLabel* error) {
        auto* label = new QLabel(text, this);
        label->setBuddy(edit);
        auto* column = new QVBoxLayout;
        column->setSpacing(2);
        column->addWidget(edit);
        column->addWidget(error);
        form->addRow(label, column);
    };
    m_serverEdit = new QLineEdit(this);
    m_serverEdit->setObjectName(u"serverEdit"_s);
    m_serverEdit->setPlaceholderText(u"https://tenants.example.com"_s);
    m_serverError = makeErrorLabel(u"serverError"_s, this);
    addField(tr("&Server:"), m_serverEdit, m_serverError);
    m_emailEdit = new QLineEdit(this);
    m_emailEdit->setObjectName(u"emailEdit"_s);
    m_emailEdit->setPlaceholderText(u"ann@example.com"_s);
    m_emailError = makeErrorLabel(u"emailError"_s, this);
    addField(tr("&E-mail:"), m_emailEdit, m_emailError);
    m_passwordEdit = new QLineEdit(this);
    m_passwordEdit->setObjectName(u"passwordEdit"_s);
    m_passwordEdit->setEchoMode(QLineEdit::Password);
    m_passwordError = makeErrorLabel(u"passwordError"_s, this);
    addField(tr("&Password:"), m_passwordEdit, m_passwordError);
    const QList<QLineEdit*> edits{m_serverEdit, m_emailEdit, m_passwordEdit};

    m_rememberCheck = new QCheckBox(tr("&Remember me on this computer"), this);
    m_rememberCheck->setObjectName(u"rememberCheck"_s);
    m_rememberCheck->setEnabled(false);
    connect(m_rememberCheck, &QCheckBox::toggled, this, [this](bool checked) {
        if (m_keychainAvailable)
            m_wantsRemember = checked;
    });
    m_keychainLabel = new QLabel(tr("Checking for a keychain…"), this);
    m_keychainLabel->setObjectName(u"keychainLabel"_s);
    m_keychainLabel->setWordWrap(true);
    auto* remember = new QVBoxLayout;
    remember->setSpacing(2);
    remember->addWidget(m_rememberCheck);
    remember->addWidget(m_keychainLabel);
    form->addRow(QString(), remember);
    layout->addLayout(form);

    m_certificatePanel = new QWidget(this);
    m_certificatePanel->setObjectName(u"certificatePanel"_s);
    auto* certificateLayout = new QVBoxLayout(m_certificatePanel);
    certificateLayout->setContentsMargins(0, 0, 0, 0);
    m_certificateLabel = new QLabel(m_certificatePanel);
    m_certificateLabel->setObjectName(u"certificateLabel"_s);
    m_certificateLabel->setWordWrap(true);
    m_certificateLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    certificateLayout->addWidget(m_certificateLabel);
    m_trustButton = new QPushButton(tr("&Trust This Certificate and Connect"), m_certificatePanel);
    m_trustButton->setObjectName(u"trustButton"_s);
    m_trustButton->setAutoDefault(false);
    certificateLayout->addWidget(m_trustButton, 0, Qt::AlignLeft);
    m_certificatePanel->hide();
    layout->addWidget(m_certificatePanel);

    m_messageLabel = makeErrorLabel(u"messageLabel"_s, this);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_messageLabel);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(u"statusLabel"_s);
    m_statusLabel->hide();
    layout->addWidget(m_statusLabel);
    m_progressBar = new QProgressBar(this);
    m_progressBar->setObjectName(u"progressBar"_s);
    m_progressBar->setRange(0, 0);
    m_progressBar->setTextVisible(false);
    m_progressBar->hide();
    layout->addWidget(m_progressBar);
    layout->addStretch(1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_connectButton = m_buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connectButton->setObjectName(u"connectButton"_s);
    m_connectButton->setDefault(true);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    connect(m_trustButton, &QPushButton::clicked, this, &ConnectDialog::trustCertificate);
    // A field is checked when it is left, and again as it is corrected once it was wrong.
    for (QLineEdit* edit : edits) {
        connect(edit, &QLineEdit::editingFinished, this, [this, edit]() {
            if (!edit->text().isEmpty())
                validate(false);
        });
        connect(edit, &QLineEdit::textEdited, this, [this]() {
            if (!m_serverError->isHidden() || !m_emailError->isHidden() || !m_passwordError->isHidden())
                validate(false);
        });
    }
}

ConnectDialog::~ConnectDialog()
{
    // Focus leaving the fields as the widgets go must not check them any more.
    for (QLineEdit* edit : {m_serverEdit, m_emailEdit, m_passwordEdit})
        disconnect(edit, nullptr, this, nullptr);
}

void ConnectDialog::setServer(const QUrl& url, const QString& email)
{
    m_serverEdit->setText(url.toDisplayString());
    m_emailEdit->setText(email);
    if (!url.isEmpty() && !email.isEmpty())
        m_passwordEdit->setFocus(Qt::OtherFocusReason);
}

void ConnectDialog::setRememberMe(bool remember)
{
    m_wantsRemember = remember;
    m_rememberCheck->setChecked(remember && m_keychainAvailable);
}

void ConnectDialog::setKeychainAvailable(bool available)
{
    m_keychainAvailable = available;
    m_rememberCheck->setEnabled(available && !isSigningIn());
    m_rememberCheck->setChecked(available && m_wantsRemember);
    m_keychainLabel->setText(available
        ? tr("Keeps your session in the system keychain, never your password.")
        : tr("No keychain is available (such as GNOME Keyring or KWallet): you will be asked for your password each time."));
}

void ConnectDialog::showMessage(const QString& message)
{
    m_messageLabel->setText(message);
    m_messageLabel->setVisible(!message.isEmpty());
}

void ConnectDialog::setStoreMaker(StoreMaker maker)
{
    m_storeMaker = std::move(maker);
}

std::unique_ptr<Store> ConnectDialog::takeStore()
{
    return m_signedIn ? std::move(m_store) : nullptr;
}

QString ConnectDialog::email() const
{
    return m_emailEdit->text().trimmed();
}

bool ConnectDialog::rememberMe() const
{
    return m_keychainAvailable && m_rememberCheck->isChecked();
}

void ConnectDialog::setFieldError(QLabel* label, const QString& error)
{
    label->setText(error);
    label->setVisible(!error.isEmpty());
}

// Checks the fields (`all`: also the empty ones, as on Connect); true when all are right.
bool ConnectDialog::validate(bool all)
{
    QString serverProblem;
    if (all || !m_serverEdit->text().trimmed().isEmpty() || !m_serverError->isHidden()) {
        try {
            m_url = normalizeServerUrl(m_serverEdit->text());
        } catch (const StoreError& error) {
            serverProblem = error.message();
        }
        setFieldError(m_serverError, serverProblem);
    }
    QString emailError;
    if (all || !m_emailEdit->text().isEmpty() || !m_emailError->isHidden()) {
        emailError = emailProblem(m_emailEdit->text());
        setFieldError(m_emailError, emailError);
    }
    QString passwordError;
    if (all || !m_passwordError->isHidden()) {
        passwordError = m_passwordEdit->text().isEmpty() ? tr("Enter your password.") : QString();
        setFieldError(m_passwordError, passwordError);
    }
    return serverProblem.isEmpty() && emailError.isEmpty() && passwordError.isEmpty();
}

void ConnectDialog::accept()
{
    if (m_signedIn) {
        QDialog::accept();
        return;
    }
    if (isSigningIn())
        return;
    if (!validate(true)) {
        for (auto [edit, error] : {std::pair{m_serverEdit, m_serverError}, std::pair{m_emailEdit, m_emailError},
                                   std::pair{m_passwordEdit, m_passwordError}}) {
            if (!error->isHidden()) {
                edit->setFocus(Qt::OtherFocusReason);
                break;
            }
        }
        return;
    }
    signIn();
}

void ConnectDialog::reject()
{
    ++m_attempt; // a sign-in on its way no longer counts
    m_store.reset();
    setBusy(false);
    QDialog::reject();
}

void ConnectDialog::signIn()
{
    ServerConnection connection;
    connection.url = m_url;
    connection.email = email();
    connection.password = m_passwordEdit->text();
    connection.trustedFingerprint = trustedFingerprint(m_url);
    m_store = m_storeMaker(connection);
    m_certificatePanel->hide();
    showMessage({});
    setBusy(true);
    const quint64 attempt = ++m_attempt;
    whenReady(m_store->open(OpenMode::OpenExisting), this,
        [this, attempt](const StoreInfo& info) {
            if (attempt != m_attempt)
                return;
            m_storeInfo = info;
            m_signedIn = true;
            m_passwordEdit->clear();
            setBusy(false);
            QDialog::accept();
        },
        [this, attempt](const StoreError& error) {
            if (attempt != m_attempt)
                return;
            signInFailedWith(error);
        });
}

void ConnectDialog::signInFailedWith(const StoreError& error)
{
    m_store.reset();
    setBusy(false);
    if (const auto* certificate = dynamic_cast<const UntrustedCertificateError*>(&error)) {
        m_offeredFingerprint = certificate->fingerprint();
        m_offeredHostAndPort = certificate->hostAndPort();
        QString text = tr("<p>%1</p><p>Trust it only if it is the certificate of your server: compare the fingerprint "
                          "with the one your administrator gives you.</p><p><tt>%2</tt></p>")
                           .arg(certificate->message().toHtmlEscaped(), formatFingerprint(certificate->fingerprint()));
        if (!certificate->problems().isEmpty())
            text += u"<p><small>"_s + certificate->problems().join(u"<br>"_s).toHtmlEscaped() + u"</small></p>"_s;
        m_certificateLabel->setText(text);
        m_certificatePanel->show();
        m_trustButton->setFocus(Qt::OtherFocusReason);
        Q_EMIT signInFailed(certificate->message());
        return;
    }
    showMessage(error.fullMessage());
    if (dynamic_cast<const AuthenticationError*>(&error)) {
        m_passwordEdit->setFocus(Qt::OtherFocusReason);
        m_passwordEdit->selectAll();
    }
    Q_EMIT signInFailed(error.fullMessage());
}

void ConnectDialog::trustCertificate()
{
    if (m_offeredFingerprint.isEmpty() || !validate(true))
        return;
    if (serverHostAndPort(m_url) != m_offeredHostAndPort) { // the address was changed meanwhile
        m_certificatePanel->hide();
        return;
    }
    setTrustedFingerprint(m_url, m_offeredFingerprint);
    m_offeredFingerprint.clear();
    signIn();
}

void ConnectDialog::setBusy(bool busy)
{
    m_progressBar->setVisible(busy);
    m_serverEdit->setEnabled(!busy);
    m_emailEdit->setEnabled(!busy);
    m_passwordEdit->setEnabled(!busy);
    m_rememberCheck->setEnabled(!busy && m_keychainAvailable);
    m_connectButton->setEnabled(!busy);
    m_trustButton->setEnabled(!busy);
    m_statusLabel->setText(busy ? tr("Signing in to %1…").arg(m_url.toDisplayString()) : QString());
    m_statusLabel->setVisible(busy);
}

} // namespace TenantDesk
