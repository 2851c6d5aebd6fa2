#pragma once

#include "UserAdmin.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace TenantDesk {

class EditHistory;
class MembershipPicker;
class Store;
class StoreError;

// A user's profile (display name, e-mail), status (only the legal transitions are offered),
// memberships with the sub-tenant inheritance of a tenant-wide one, last sign-in and creation
// time; "Platform principal: …" for a holder of a platform role. Saving sends one versioned
// change: when someone else changed the user meanwhile, both versions are shown and the person
// decides; nothing is overwritten silently. Memberships are added and removed at once (each its
// own audited change). The same dialog creates a user (userId 0), invited by default, with an
// optional first membership.
class UserEditorDialog : public QDialog
{
    Q_OBJECT

public:
    // Edits user `userId` (read from the store first), or creates one when it is 0, offering a
    // first membership on `tenantSlug` when given.
    UserEditorDialog(Store* store, UserId userId, const QString& tenantSlug = {}, QWidget* parent = nullptr);
    ~UserEditorDialog() override;

    // Edits made here go on `history` (Edit → Undo): the profile change once saved, each
    // membership added or removed.
    void setHistory(EditHistory* history) { m_history = history; }

    bool isNewUser() const { return m_userId == 0; }
    // The user as read (and read again after a conflict), with their memberships.
    const UserDetail& detail() const { return m_detail; }
    // The change the fields make to the user as read (empty: nothing changed).
    UserChange change() const;
    // The user as saved or created (id 0 until then).
    const User& saved() const { return m_saved; }
    // Memberships were added or removed (the users page reads the users again).
    bool membershipsChanged() const { return m_membershipsChanged; }

    // Removes the membership on `row` of the table (the Remove button asks first).
    void removeMembership(int row);
    // Adds a membership (the Add button's dialog calls it).
    void addMembership(const Membership& membership);

    // Whether confirmations are asked (tests answer yes).
    void setConfirmationsEnabled(bool enabled) { m_confirm = enabled; }

    void accept() override;

Q_SIGNALS:
    // The user's detail was read (or read again) and is shown.
    void loaded();
    // A save, a membership change or a read failed; the message is shown in the dialog too.
    void failed(const QString& message);

private:
    void load();
    void showDetail(const UserDetail& detail, bool fields);
    void fillStatus(UserStatus current);
    void fillMemberships();
    void save(const UserChange& change, qint64 version);
    void create();
    void showError(const StoreError& error);
    void clearErrors();
    void resolveConflict(const UserChange& change, const StoreError& refusal);
    void chooseMembershipToAdd();
    void setBusy(bool busy);
    void updateButtons();

    Store* m_store;
    EditHistory* m_history = nullptr;
    UserId m_userId;
    UserDetail m_detail; // as read
    User m_saved;
    bool m_membershipsChanged = false;
    bool m_confirm = true;
    bool m_busy = false;

    QLabel* m_principalLabel;
    QLineEdit* m_nameLineEdit;
    QLabel* m_nameErrorLabel;
    QLineEdit* m_emailLineEdit;
    QLabel* m_emailErrorLabel;
    QComboBox* m_statusComboBox;
    QLabel* m_statusErrorLabel;
    QLabel* m_lastSignInLabel = nullptr;
    QLabel* m_createdLabel = nullptr;
    QGroupBox* m_membershipsGroupBox = nullptr;
    QTableWidget* m_membershipsTable = nullptr;
    QPushButton* m_addMembershipButton = nullptr;
    QPushButton* m_removeMembershipButton = nullptr;
    QCheckBox* m_firstMembershipCheckBox = nullptr;
    MembershipPicker* m_firstMembershipPicker = nullptr;
    QLabel* m_generalErrorLabel;
    QDialogButtonBox* m_buttons = nullptr;
};

// Both versions of a user side by side, for each field of a change refused because the user was
// changed meanwhile: the person's value, the value now stored and what it was when read.
class UserConflictDialog : public QDialog
{
    Q_OBJECT

public:
    UserConflictDialog(const User& read, const User& current, const UserChange& change, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }

private:
    QTableWidget* m_table;
};

} // namespace TenantDesk
