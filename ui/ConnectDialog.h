#pragma once

#include "ServerConnection.h"
#include "Store.h"

#include <QDialog>
#include <QUrl>

#include <functional>
#include <memory>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QWidget;

namespace TenantDesk {

class StoreError;

// File → Connect to Server: the server's address, the e-mail and password, and "Remember me".
// Each field is checked as it is left and on Connect, with the problem shown beside it. Connect
// signs in (opens a store on the server) with a progress bar; a failure is shown in the dialog,
// which stays open (a wrong password selects the password for retyping). A certificate that is
// not trusted shows its SHA-256 fingerprint with a button to trust it and connect. Once signed
// in, the dialog is accepted and takeStore() hands over the open store.
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    using StoreMaker = std::function<std::unique_ptr<Store>(const ServerConnection&)>;

    explicit ConnectDialog(QWidget* parent = nullptr);
    ~ConnectDialog() override;

    // Fills in the server and e-mail (signing in again to a remembered server).
    void setServer(const QUrl& url, const QString& email);
    void setRememberMe(bool remember);
    // Whether a keychain can keep the session: without one "Remember me" is off and disabled,
    // with the reason beside it. Until this is called, it is disabled while the keychain is checked.
    void setKeychainAvailable(bool available);
    // A message shown above the buttons, e.g. why signing in again is needed.
    void showMessage(const QString& message);
    // How stores are made (StoreFactory::server() unless a test says otherwise).
    void setStoreMaker(StoreMaker maker);

    // Once accepted: the open, signed-in store and what it said about itself.
    std::unique_ptr<Store> takeStore();
    const StoreInfo& storeInfo() const { return m_storeInfo; }
    QUrl serverUrl() const { return m_url; }
    QString email() const;
    bool rememberMe() const;
    bool isSigningIn() const { return m_store != nullptr && !m_signedIn; }

public Q_SLOTS:
    // Connect: checks the fields and signs in; the dialog closes once signed in.
    void accept() override;
    // Cancel: drops a sign-in on its way and closes.
    void reject() override;

Q_SIGNALS:
    // A sign-in failed; `message` is shown in the dialog.
    void signInFailed(const QString& message);

private:
    bool validate(bool all);
    void setFieldError(QLabel* label, const QString& error);
    void signIn();
    void signInFailedWith(const StoreError& error);
    void setBusy(bool busy);
    void trustCertificate();

    QLineEdit* m_serverEdit;
    QLineEdit* m_emailEdit;
    QLineEdit* m_passwordEdit;
    QLabel* m_serverError;
    QLabel* m_emailError;
    QLabel* m_passwordError;
    QCheckBox* m_rememberCheck;
    QLabel* m_keychainLabel;
    QWidget* m_certificatePanel;
    QLabel* m_certificateLabel;
    QPushButton* m_trustButton;
    QProgressBar* m_progressBar;
    QLabel* m_statusLabel;
    QLabel* m_messageLabel;
    QDialogButtonBox* m_buttons;
    QPushButton* m_connectButton;

    StoreMaker m_storeMaker;
    std::unique_ptr<Store> m_store; // being signed in, then handed over
    StoreInfo m_storeInfo;
    QUrl m_url;
    QByteArray m_offeredFingerprint; // the untrusted certificate shown, for Trust
    QString m_offeredHostAndPort;
    quint64 m_attempt = 0;
    bool m_signedIn = false;
    bool m_keychainAvailable = false;
    bool m_wantsRemember = false;
};

} // namespace TenantDesk
