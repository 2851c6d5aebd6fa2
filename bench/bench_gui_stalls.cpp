// bench_gui_stalls: the console's longest event-loop stall while a person browses, searches and
// scrolls a large platform.
//
//   bench_gui_stalls --database PATH [--scroll-rows N] [--limit MS] [--wall] [--stacks] [--smoke]
//
// PATH is a demo database generated with `tenantctl --database PATH demo --scale 100000` (see
// bench/run-bench-gui-stalls). The bench opens the real MainWindow on it and plays a scripted
// session with key presses and mouse clicks, at a person's pace: arrow keys through the tenant
// tree, End until the 2,000 companies and then the 10,000 sub-tenants of the largest are loaded,
// searches typed letter by letter into the tree's search box and the users page's, a click on
// every sortable column header, the users table scrolled down page after page, the audit trail.
//
// A watchdog measures how long the GUI thread leaves its event loop unattended:
//  - a 5 ms precise timer on the GUI thread records how late each tick comes (a busy loop makes
//    the next tick late by as long as it was busy);
//  - a second thread posts a ping to the GUI thread every 2 ms and records how long the ping
//    waited until the GUI thread took it.
// The longest stall of a step is the larger of its latest tick and its slowest ping. On a shared
// machine part of a stall can be the GUI thread waiting for a CPU that other programs hold: the
// scheduler counts that time (/proc/self/task/TID/schedstat, "run queue"), and the report gives
// each stall with it and without it ("own": working, or blocked on a lock or a file). The verdict
// judges the own stalls; --wall judges the wall clock. With --stacks, the pinging thread also
// samples the GUI thread's stack (SIGPROF, backtrace()) each 40 ms a ping waits, and prints where
// each step's stalls were spent.
//
// Exit status: 0 when no stall reached the limit (100 ms), 1 when one did (naming the step),
// 2 on a usage error, 3 when the session could not be played (something never loaded).
#include "AuditEventModel.h"
#include "MainWindow.h"
#include "TenantTreeModel.h"
#include "UserTableModel.h"
#include "UsersPage.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QScrollBar>
#include <QStatusBar>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>

#include <cxxabi.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

using namespace TenantDesk;
using namespace Qt::StringLiterals;

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point since, Clock::time_point now = Clock::now())
{
    return std::chrono::duration<double, std::milli>(now - since).count();
}

double percentile(std::vector<float> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = size_t(std::clamp(p * double(values.size()) - 1, 0.0, double(values.size() - 1)));
    return values[rank];
}

// ---- Stack samples of the GUI thread (--stacks) -------------------------------------------------

constexpr int maximumFrames = 48;
void* g_frames[maximumFrames];
std::atomic<int> g_frameCount{-1}; // -1: no sample taken yet

void sampleStack(int)
{
    const int saved = errno;
    g_frameCount.store(backtrace(g_frames, maximumFrames), std::memory_order_release);
    errno = saved;
}

// "path(_ZN...+0x12) [0x...]" → "TenantDesk::Foo::bar()" (the mangled name demangled, else as is).
QString frameName(const char* symbol)
{
    const QByteArray text(symbol);
    const qsizetype open = text.indexOf('(');
    const qsizetype plus = text.indexOf('+', open);
    if (open < 0 || plus < 0 || plus == open + 1)
        return QString::fromLocal8Bit(text.mid(text.lastIndexOf('/') + 1));
    const QByteArray mangled = text.mid(open + 1, plus - open - 1);
    int status = 0;
    char* demangled = abi::__cxa_demangle(mangled.constData(), nullptr, nullptr, &status);
    QString name = status == 0 && demangled ? QString::fromLocal8Bit(demangled) : QString::fromLocal8Bit(mangled);
    std::free(demangled);
    if (name.size() > 160)
        name = name.left(157) + u"..."_s;
    return name;
}

struct StackSample {
    int step = 0;
    double waitedMs = 0;
    std::vector<void*> frames;
};

// ---- The watchdog --------------------------------------------------------------------------------

// The GUI thread's scheduler figures (/proc/self/task/TID/schedstat, in ns): time on a CPU, and
// time runnable but waiting for a CPU (on the run queue: the machine was busy with others).
struct SchedStat {
    qint64 onCpu = 0;
    qint64 runQueue = 0;
};

SchedStat readSchedStat(const QByteArray& path)
{
    SchedStat stat;
    if (FILE* file = std::fopen(path.constData(), "r")) {
        long long onCpu = 0;
        long long runQueue = 0;
        if (std::fscanf(file, "%lld %lld", &onCpu, &runQueue) == 2) {
            stat.onCpu = onCpu;
            stat.runQueue = runQueue;
        }
        std::fclose(file);
    }
    return stat;
}

// One stall: how long the event loop was away (wall clock), and of that how long the GUI thread
// waited for a CPU while other programs had them; "own" is the rest (working, or blocked).
struct Stall {
    float wall = 0;
    float runQueue = 0;
    float onCpu = 0;
    float own() const { return std::max(0.0f, wall - runQueue); }
};

struct StepFigures {
    QString name;
    double seconds = 0;
    std::vector<Stall> ticks; // each 5-ms tick: how late it came
    std::vector<Stall> pings; // each ping: how long it waited for the GUI thread
    QString note;             // what the step did (rows loaded…)

    Stall longest() const { return worst([](const Stall& s) { return s.wall; }); }
    Stall busiest() const { return worst([](const Stall& s) { return s.onCpu; }); }
    Stall longestOwn() const { return worst([](const Stall& s) { return s.own(); }); }
    template<typename Key>
    Stall worst(Key key) const
    {
        Stall best;
        for (const auto* list : {&ticks, &pings}) {
            for (const Stall& stall : *list) {
                if (key(stall) > key(best))
                    best = stall;
            }
        }
        return best;
    }
    std::vector<float> values(const std::vector<Stall>& list, bool own) const
    {
        std::vector<float> result;
        result.reserve(list.size());
        for (const Stall& stall : list)
            result.push_back(own ? stall.own() : stall.wall);
        return result;
    }
};

class Watchdog : public QObject
{
public:
    static constexpr int tickMs = 5;
    static constexpr int pingEveryMs = 2;

    explicit Watchdog(bool stacks)
        : m_stacks(stacks)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(tickMs);
        connect(&m_timer, &QTimer::timeout, this, &Watchdog::tick);
        m_guiThread = pthread_self();
        m_schedStatPath = "/proc/self/task/" + QByteArray::number(qint64(gettid())) + "/schedstat";
        if (m_stacks) {
            struct sigaction action = {};
            action.sa_handler = sampleStack;
            action.sa_flags = SA_RESTART;
            sigemptyset(&action.sa_mask);
            sigaction(SIGPROF, &action, nullptr);
            void* warm[4];
            backtrace(warm, 4); // loads libgcc now, not in the signal handler
        }
    }

    ~Watchdog() override { stop(); }

    void begin(const QString& step)
    {
        if (!m_steps.empty())
            m_steps.back().seconds = msSince(m_stepStart) / 1000.0;
        m_steps.push_back({});
        m_steps.back().name = step;
        m_stepStart = Clock::now();
        m_currentStep.store(int(m_steps.size()) - 1);
        std::fprintf(stderr, "  %s\n", qPrintable(step));
        if (!m_timer.isActive()) {
            m_lastTick = Clock::now();
            m_lastStat = readSchedStat(m_schedStatPath);
            m_timer.start();
            m_stop = false;
            m_pinger = std::thread([this]() { pingLoop(); });
        }
    }

    void note(const QString& text) { m_steps.back().note = text; }

    void stop()
    {
        if (!m_timer.isActive())
            return;
        m_steps.back().seconds = msSince(m_stepStart) / 1000.0;
        m_timer.stop();
        m_stop = true;
        m_pinger.join();
        QCoreApplication::sendPostedEvents(this); // pings on their way
        std::lock_guard lock(m_mutex);
        for (const auto& [step, stall] : m_pings)
            m_steps.at(size_t(step)).pings.push_back(stall);
        m_pings.clear();
    }

    const std::vector<StepFigures>& steps() const { return m_steps; }
    std::vector<StackSample> takeSamples()
    {
        std::lock_guard lock(m_mutex);
        return std::move(m_samples);
    }

private:
    void tick()
    {
        const Clock::time_point now = Clock::now();
        const SchedStat stat = readSchedStat(m_schedStatPath);
        Stall stall;
        stall.wall = float(std::max(0.0, msSince(m_lastTick, now) - tickMs));
        stall.runQueue = float(double(stat.runQueue - m_lastStat.runQueue) / 1e6);
        stall.onCpu = float(double(stat.onCpu - m_lastStat.onCpu) / 1e6);
        m_lastTick = now;
        m_lastStat = stat;
        m_steps.back().ticks.push_back(stall);
    }

    // On its own thread: a ping posted to the GUI thread, waited for, then the next.
    void pingLoop()
    {
        while (!m_stop) {
            const SchedStat before = readSchedStat(m_schedStatPath);
            const Clock::time_point sent = Clock::now();
            m_answered.store(false);
            // The GUI thread notes when the ping came and its own figures then, so that this
            // thread's own wait for a CPU (to see the answer) does not count.
            QMetaObject::invokeMethod(this, [this]() {
                m_answeredAt = Clock::now();
                m_answeredStat = readSchedStat(m_schedStatPath);
                m_answered.store(true, std::memory_order_release);
            }, Qt::QueuedConnection);
            double nextSample = 40;
            while (!m_answered.load(std::memory_order_acquire) && !m_stop) {
                std::this_thread::sleep_for(std::chrono::microseconds(250));
                const double waited = msSince(sent);
                if (m_stacks && waited >= nextSample) {
                    nextSample += 40;
                    takeSample(waited);
                }
            }
            if (!m_answered.load())
                break;
            Stall stall;
            stall.wall = float(msSince(sent, m_answeredAt));
            const SchedStat after = m_answeredStat;
            stall.runQueue = float(double(after.runQueue - before.runQueue) / 1e6);
            stall.onCpu = float(double(after.onCpu - before.onCpu) / 1e6);
            {
                std::lock_guard lock(m_mutex);
                m_pings.emplace_back(m_currentStep.load(), stall);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(pingEveryMs));
        }
    }

    void takeSample(double waited)
    {
        g_frameCount.store(-1);
        pthread_kill(m_guiThread, SIGPROF);
        for (int i = 0; i < 200 && g_frameCount.load(std::memory_order_acquire) < 0; ++i)
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        const int count = g_frameCount.load(std::memory_order_acquire);
        if (count <= 0)
            return;
        StackSample sample;
        sample.step = m_currentStep.load();
        sample.waitedMs = waited;
        sample.frames.assign(g_frames, g_frames + count);
        std::lock_guard lock(m_mutex);
        m_samples.push_back(std::move(sample));
    }

    bool m_stacks = false;
    QTimer m_timer;
    QByteArray m_schedStatPath;
    Clock::time_point m_lastTick;
    SchedStat m_lastStat;
    Clock::time_point m_stepStart;
    std::vector<StepFigures> m_steps;
    std::atomic<int> m_currentStep{0};
    std::thread m_pinger;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_answered{false};
    Clock::time_point m_answeredAt; // written by the GUI thread before m_answered
    SchedStat m_answeredStat;
    pthread_t m_guiThread;
    std::mutex m_mutex;
    std::vector<std::pair<int, Stall>> m_pings; // the step, the stall
    std::vector<StackSample> m_samples;
};

// ---- The session -----------------------------------------------------------------------------------

// What the script needs to know of the database, read from the file before the window opens.
struct Probe {
    int tenants = 0;
    int users = 0;
    QString largestName;     // the company (top level) with the most sub-tenants
    int largestChildren = 0;
    QString brandedName;     // a company with a built-in branding pack
    QString deepSlug;        // a tenant four levels deep
    QString someEmail;       // one user's address
};

Probe probe(const QString& path)
{
    Probe result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"probe"_s);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (db.open()) {
            QSqlQuery q(db);
            q.exec(u"SELECT (SELECT count(*) FROM tenants), (SELECT count(*) FROM users)"_s);
            if (q.next()) {
                result.tenants = q.value(0).toInt();
                result.users = q.value(1).toInt();
            }
            q.exec(u"SELECT p.display_name, c.n FROM (SELECT parent_id, count(*) AS n FROM tenants "
                   "WHERE parent_id IS NOT NULL GROUP BY parent_id) c "
                   "JOIN tenants p ON p.id = c.parent_id WHERE p.parent_id IS NULL ORDER BY c.n DESC LIMIT 1"_s);
            if (q.next()) {
                result.largestName = q.value(0).toString();
                result.largestChildren = q.value(1).toInt();
            }
            q.exec(u"SELECT display_name FROM tenants WHERE slug = 'contoso-bank'"_s);
            if (q.next())
                result.brandedName = q.value(0).toString();
            q.exec(u"SELECT slug FROM tenants ORDER BY depth DESC, id LIMIT 1"_s);
            if (q.next())
                result.deepSlug = q.value(0).toString();
            q.exec(u"SELECT email FROM users WHERE id = (SELECT max(id) / 2 FROM users)"_s);
            if (q.next())
                result.someEmail = q.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(u"probe"_s);
    return result;
}

class Session
{
public:
    Session(MainWindow& window, Watchdog& watchdog, const Probe& facts, int scrollRows, bool smoke)
        : m_window(window), m_dog(watchdog), m_facts(facts), m_scrollRows(scrollRows), m_smoke(smoke)
    {
    }

    // Plays the whole session; false when something the script waited for never came.
    bool play(const QString& database);
    QString failure() const { return m_failure; }

private:
    static constexpr int typingGapMs = 100; // between two letters typed
    static constexpr int repeatGapMs = 40;  // a held key's auto-repeat (25 a second)
    static constexpr int loadTimeoutMs = 120000;

    // Lets the event loop run (no sleeping: the loop waits for its events as in the app).
    void pause(int ms)
    {
        QEventLoop loop;
        QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
        loop.exec();
    }

    bool until(const std::function<bool()>& done, const char* what, int timeoutMs = loadTimeoutMs)
    {
        if (!m_failure.isEmpty())
            return false;
        if (done())
            return true;
        // Seen once is enough: the loop finishes the events at hand before it returns, and those may
        // already start the next load (the tree view asks for the next batch of an expanded item).
        bool seen = false;
        QEventLoop loop;
        QTimer poll;
        poll.setInterval(5);
        QObject::connect(&poll, &QTimer::timeout, &loop, [&]() {
            if (!seen && done()) {
                seen = true;
                loop.quit();
            }
        });
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        poll.start();
        loop.exec();
        if (!seen) {
            m_failure = u"timed out after %1 s waiting for %2"_s.arg(timeoutMs / 1000).arg(QString::fromLatin1(what));
            return false;
        }
        return true;
    }

    void key(QWidget* widget, Qt::Key k, Qt::KeyboardModifiers modifiers = Qt::NoModifier, int gapMs = repeatGapMs)
    {
        QTest::keyClick(widget, k, modifiers);
        pause(gapMs);
    }

    void keys(QWidget* widget, Qt::Key k, int times, int gapMs = repeatGapMs)
    {
        for (int i = 0; i < times; ++i)
            key(widget, k, Qt::NoModifier, gapMs);
    }

    void type(QWidget* widget, const QString& text, int gapMs = typingGapMs)
    {
        for (const QChar c : text) {
            QTest::keyClicks(widget, QString(c));
            pause(gapMs);
        }
    }

    void clearLine(QLineEdit* edit)
    {
        key(edit, Qt::Key_A, Qt::ControlModifier, typingGapMs);
        key(edit, Qt::Key_Backspace, Qt::NoModifier, typingGapMs);
    }

    // Rows must come after a few key presses at most, or the key does not load more.
    bool progressed(int before, int after, const char* what)
    {
        m_stuck = after > before ? 0 : m_stuck + 1;
        if (m_stuck < 5)
            return true;
        m_failure = u"no progress after 5 presses: %1"_s.arg(QString::fromLatin1(what));
        return false;
    }

    void clickHeader(QHeaderView* header, int section)
    {
        const int x = header->sectionViewportPosition(section) + header->sectionSize(section) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(x, header->height() / 2));
        pause(150);
    }

    // The tree
    bool treeSettled() const
    {
        return !m_tree->isFetching() && m_tree->rowCount(m_tree->platformIndex()) > 0;
    }
    int loadedCompanies() const { return m_tree->rowCount(m_tree->platformIndex()); }

    // The users page
    bool usersSettled() const { return m_users && !m_users->isLoading() && (m_users->rowCount() > 0 || m_users->isComplete()); }

    void browseTree();
    void largestCompany();
    void searchTree();
    void sortTree();
    void usersPage();
    void scrollUsers();
    void auditTrail();

    MainWindow& m_window;
    Watchdog& m_dog;
    Probe m_facts;
    int m_scrollRows;
    bool m_smoke;
    QString m_failure;
    int m_stuck = 0;
    QTreeView* m_treeView = nullptr;
    TenantTreeModel* m_tree = nullptr;
    QLineEdit* m_treeSearch = nullptr;
    QTableView* m_usersView = nullptr;
    UserTableModel* m_users = nullptr;
};

bool Session::play(const QString& database)
{
    m_treeView = m_window.findChild<QTreeView*>(u"tenantTreeView"_s);
    m_treeSearch = m_window.findChild<QLineEdit*>(u"searchLineEdit"_s);
    m_tree = m_window.tenantTreeModel();

    m_dog.begin(u"open the database, first level of the tree"_s);
    QElapsedTimer opening;
    opening.start();
    m_window.openDatabase(database);
    if (!until([this]() { return m_window.store() && loadedCompanies() > 0; }, "the first companies in the tree"))
        return false;
    const qint64 firstRows = opening.elapsed();
    const int firstCount = loadedCompanies();
    if (!until([this]() { return treeSettled(); }, "the first level of the tree"))
        return false;
    m_dog.note(u"the first %1 companies after %2 ms; %3 after %4 ms"_s.arg(firstCount).arg(firstRows)
                   .arg(loadedCompanies()).arg(opening.elapsed()));

    browseTree();
    largestCompany();
    searchTree();
    sortTree();
    usersPage();
    scrollUsers();
    auditTrail();
    m_dog.stop();
    return m_failure.isEmpty();
}

void Session::browseTree()
{
    if (!m_failure.isEmpty())
        return;
    m_dog.begin(u"tree: arrow keys through the companies, each shown on the right"_s);
    m_treeView->setFocus(Qt::MouseFocusReason);
    m_treeView->setCurrentIndex(m_tree->platformIndex());
    keys(m_treeView, Qt::Key_Down, m_smoke ? 5 : 60);

    m_dog.begin(u"tree: expand companies and walk into them"_s);
    for (int i = 0; i < (m_smoke ? 2 : 12); ++i) {
        key(m_treeView, Qt::Key_Right, Qt::NoModifier, 150); // expands (environments, first sub-tenants)
        keys(m_treeView, Qt::Key_Down, 4);
    }

    m_dog.begin(u"tree: End until every company is loaded, then Page Up"_s);
    m_treeView->collapseAll();
    m_treeView->expand(m_tree->platformIndex());
    m_treeView->setCurrentIndex(m_tree->platformIndex());
    int presses = 0;
    while (m_failure.isEmpty() && (m_tree->canFetchMore(m_tree->platformIndex()) || m_tree->isFetching())) {
        const int before = loadedCompanies();
        key(m_treeView, Qt::Key_End, Qt::NoModifier, 100);
        ++presses;
        until([this]() { return !m_tree->isFetching(); }, "a batch of companies");
        if (!progressed(before, loadedCompanies(), "End in the tree loads the next companies"))
            return;
    }
    keys(m_treeView, Qt::Key_PageUp, m_smoke ? 3 : 40);
    m_dog.note(u"%1 companies loaded, End pressed %2 times"_s.arg(loadedCompanies()).arg(presses));

    if (!m_facts.brandedName.isEmpty()) {
        m_dog.begin(u"tree: keyboard search to a branded company, arrow keys on and off it"_s);
        key(m_treeView, Qt::Key_Home);
        type(m_treeView, m_facts.brandedName.toLower(), 60);
        pause(300);
        for (int i = 0; i < (m_smoke ? 2 : 10); ++i) {
            key(m_treeView, Qt::Key_Down, Qt::NoModifier, 120);
            key(m_treeView, Qt::Key_Up, Qt::NoModifier, 120);
        }
    }
}

void Session::largestCompany()
{
    if (!m_failure.isEmpty() || m_facts.largestName.isEmpty())
        return;
    m_dog.begin(u"tree: the company with %1 sub-tenants, End until all are loaded"_s.arg(m_facts.largestChildren));
    key(m_treeView, Qt::Key_Home);
    m_treeView->keyboardSearch({}); // a new search, not the end of the last one
    pause(600);
    type(m_treeView, m_facts.largestName.toLower(), 60);
    const QModelIndex company = m_treeView->currentIndex();
    if (company.data().toString() != m_facts.largestName) {
        m_failure = u"the keyboard search did not find “%1” in the tree"_s.arg(m_facts.largestName);
        return;
    }
    key(m_treeView, Qt::Key_Right, Qt::NoModifier, 150);
    if (!until([&]() { return !m_tree->isFetching() && m_tree->rowCount(company) > 0; }, "the first sub-tenants"))
        return;
    int presses = 0;
    const int wanted = m_smoke ? 1000 : std::numeric_limits<int>::max();
    while (m_failure.isEmpty() && (m_tree->canFetchMore(company) || m_tree->isFetching()) && m_tree->rowCount(company) < wanted) {
        const int before = m_tree->rowCount(company);
        key(m_treeView, Qt::Key_End, Qt::NoModifier, repeatGapMs);
        ++presses;
        until([this]() { return !m_tree->isFetching(); }, "a batch of sub-tenants");
        if (!progressed(before, m_tree->rowCount(company), "End in the tree loads the next sub-tenants"))
            return;
    }
    m_dog.note(u"%1 rows under it, End pressed %2 times"_s.arg(m_tree->rowCount(company)).arg(presses));

    m_dog.begin(u"tree: Page Up and arrow keys through the sub-tenants"_s);
    keys(m_treeView, Qt::Key_PageUp, m_smoke ? 3 : 30);
    keys(m_treeView, Qt::Key_Down, m_smoke ? 3 : 40);

    m_dog.begin(u"tree: collapse the company with %1 rows"_s.arg(m_tree->rowCount(company)));
    m_treeView->setCurrentIndex(company);
    key(m_treeView, Qt::Key_Left, Qt::NoModifier, 200);
    key(m_treeView, Qt::Key_Right, Qt::NoModifier, 200);
    key(m_treeView, Qt::Key_Left, Qt::NoModifier, 200);
}

void Session::searchTree()
{
    if (!m_failure.isEmpty())
        return;
    const auto search = [this](const QString& text, const QString& step) {
        m_dog.begin(step);
        QTest::keyClick(m_treeView, Qt::Key_F, Qt::ControlModifier);
        m_treeSearch->setFocus(Qt::ShortcutFocusReason);
        QTest::keyClick(m_treeSearch, Qt::Key_A, Qt::ControlModifier); // typed over what was there
        type(m_treeSearch, text);
        if (!until([this, text]() { return m_tree->filterText() == text && !m_tree->isFetching(); }, "the tree's search"))
            return;
        pause(300);
        // Through the matches, each shown on the right.
        m_treeView->setFocus(Qt::TabFocusReason);
        keys(m_treeView, Qt::Key_Down, m_smoke ? 3 : 15, 80);
        m_dog.note(u"%1"_s.arg(m_window.statusBar()->currentMessage()));
    };
    search(u"pioneer"_s, u"tree search: “pioneer” typed letter by letter, then arrow keys"_s);
    search(u"project pioneer"_s, u"tree search: “project pioneer” typed (1,000+ matches)"_s);
    search(m_facts.deepSlug, u"tree search: a slug five levels deep typed in full"_s);
    if (!m_failure.isEmpty())
        return;
    m_dog.begin(u"tree search: Escape, the whole tree again"_s);
    m_treeSearch->setFocus(Qt::ShortcutFocusReason);
    key(m_treeSearch, Qt::Key_Escape, Qt::NoModifier, 300);
    until([this]() { return !m_tree->isFiltered() && treeSettled(); }, "the whole tree after the search");
}

void Session::sortTree()
{
    if (!m_failure.isEmpty())
        return;
    m_dog.begin(u"tree: sort by slug, status, name (header clicks)"_s);
    QHeaderView* header = m_treeView->header();
    for (const int column : {int(TenantTreeModel::SlugColumn), int(TenantTreeModel::SlugColumn), int(TenantTreeModel::StatusColumn),
                             int(TenantTreeModel::NameColumn), int(TenantTreeModel::NameColumn)}) {
        clickHeader(header, column);
        if (!until([this]() { return treeSettled(); }, "the tree in its new order"))
            return;
        pause(200);
    }
    if (header->sortIndicatorOrder() != Qt::AscendingOrder)
        clickHeader(header, TenantTreeModel::NameColumn);
    until([this]() { return treeSettled(); }, "the tree in its new order");
}

void Session::usersPage()
{
    if (!m_failure.isEmpty())
        return;
    m_dog.begin(u"users: open the page (Ctrl+Shift+U)"_s);
    QTest::keyClick(m_treeView, Qt::Key_U, Qt::ControlModifier | Qt::ShiftModifier);
    if (!m_window.usersPage()) {
        m_failure = u"Ctrl+Shift+U did not open the users page"_s;
        return;
    }
    m_usersView = m_window.usersPage()->findChild<QTableView*>(u"usersTableView"_s);
    m_users = qobject_cast<UserTableModel*>(m_usersView->model());
    if (!until([this]() { return usersSettled(); }, "the first page of users"))
        return;
    pause(300);

    auto* search = m_window.usersPage()->findChild<QLineEdit*>(u"userSearchLineEdit"_s);
    const auto typed = [this, search](const QString& text, const QString& step) {
        m_dog.begin(step);
        search->setFocus(Qt::ShortcutFocusReason);
        QTest::keyClick(search, Qt::Key_A, Qt::ControlModifier); // typed over what was there
        type(search, text);
        if (!until([this, text]() { return m_users->query().text == text && usersSettled(); }, "the users found"))
            return;
        pause(200);
        m_dog.note(u"%1 users shown"_s.arg(m_users->rowCount()));
    };
    typed(u"anna"_s, u"users search: “anna” typed letter by letter"_s);
    typed(u"zq"_s, u"users search: “zq” (no one; the slow two-letter scan)"_s);
    typed(m_facts.someEmail, u"users search: one address typed in full"_s);
    if (!m_failure.isEmpty())
        return;
    m_dog.begin(u"users search: cleared (Ctrl+A, Backspace)"_s);
    clearLine(search);
    until([this]() { return m_users->query().text.isEmpty() && usersSettled(); }, "every user again");

    m_dog.begin(u"users: sort by each column, both ways (header clicks)"_s);
    QHeaderView* header = m_usersView->horizontalHeader();
    for (int column = 0; column < UserTableModel::ColumnCount && m_failure.isEmpty(); ++column) {
        for (int twice = 0; twice < 2; ++twice) {
            clickHeader(header, column);
            if (!until([this]() { return usersSettled(); }, "the users in their new order"))
                return;
            pause(100);
        }
    }
    clickHeader(header, UserTableModel::NameColumn);
    if (header->sortIndicatorOrder() != Qt::AscendingOrder)
        clickHeader(header, UserTableModel::NameColumn);
    until([this]() { return usersSettled(); }, "the users by name");

    m_dog.begin(u"users: arrow keys and Page Down, each user selected"_s);
    m_usersView->setFocus(Qt::MouseFocusReason);
    m_usersView->setCurrentIndex(m_users->index(0, 0));
    keys(m_usersView, Qt::Key_Down, m_smoke ? 5 : 50);
    keys(m_usersView, Qt::Key_PageDown, m_smoke ? 3 : 30);
}

void Session::scrollUsers()
{
    if (!m_failure.isEmpty())
        return;
    const int wanted = m_smoke ? 1000 : m_scrollRows;
    m_dog.begin(wanted > 0 ? u"users: Ctrl+End held until %1 rows are loaded"_s.arg(wanted)
                           : u"users: Ctrl+End held to the last of every user"_s);
    m_usersView->setFocus(Qt::MouseFocusReason);
    QElapsedTimer timer;
    timer.start();
    int presses = 0;
    while (m_failure.isEmpty() && !m_users->isComplete() && (wanted <= 0 || m_users->rowCount() < wanted)) {
        const int before = m_users->rowCount();
        key(m_usersView, Qt::Key_End, Qt::ControlModifier, repeatGapMs);
        ++presses;
        until([this]() { return !m_users->isLoading(); }, "a page of users");
        if (!progressed(before, m_users->rowCount(), "Ctrl+End in the users table loads the next page"))
            return;
        if (m_users->rowCount() / 100000 != before / 100000)
            std::fprintf(stderr, "    %d rows after %.0f s\n", m_users->rowCount(), timer.elapsed() / 1000.0);
    }
    const double seconds = timer.elapsed() / 1000.0;
    m_dog.note(u"%1 rows loaded%2, Ctrl+End pressed %3 times in %4 s"_s.arg(m_users->rowCount())
                   .arg(m_users->isComplete() ? u" (all)"_s : QString())
                   .arg(presses)
                   .arg(seconds, 0, 'f', 1));

    m_dog.begin(u"users: at the far end, arrow keys and Page Up"_s);
    keys(m_usersView, Qt::Key_Up, m_smoke ? 3 : 20);
    keys(m_usersView, Qt::Key_PageUp, m_smoke ? 3 : 20);

    m_dog.begin(u"users: back to the first page (a search typed and cleared)"_s);
    auto* search = m_window.usersPage()->findChild<QLineEdit*>(u"userSearchLineEdit"_s);
    search->setFocus(Qt::ShortcutFocusReason);
    type(search, u"ann"_s);
    until([this]() { return m_users->query().text == u"ann"_s && usersSettled(); }, "the users found");
    clearLine(search);
    until([this]() { return m_users->query().text.isEmpty() && usersSettled(); }, "every user again");
}

void Session::auditTrail()
{
    if (!m_failure.isEmpty())
        return;
    m_dog.begin(u"audit trail: open (Ctrl+Shift+A), End for more, arrow keys through events"_s);
    QTest::keyClick(m_window.usersPage(), Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
    auto* view = m_window.findChild<QTableView*>(u"auditTableView"_s);
    auto* model = view ? qobject_cast<AuditEventModel*>(view->model()) : nullptr;
    if (!model) {
        m_failure = u"Ctrl+Shift+A did not open the audit trail"_s;
        return;
    }
    if (!until([model]() { return !model->isLoading() && model->rowCount() > 0; }, "the first audit events"))
        return;
    view->setFocus(Qt::MouseFocusReason);
    view->setCurrentIndex(model->index(0, 0));
    for (int i = 0; i < (m_smoke ? 2 : 20) && m_failure.isEmpty(); ++i) {
        key(view, Qt::Key_End, Qt::ControlModifier, repeatGapMs);
        until([model]() { return !model->isLoading(); }, "a page of audit events");
    }
    keys(view, Qt::Key_Up, m_smoke ? 3 : 30);
    m_dog.note(u"%1 events loaded"_s.arg(model->rowCount()));

    m_dog.begin(u"platform page: the platform's figures (1,000,000 users counted)"_s);
    m_treeView->setFocus(Qt::MouseFocusReason);
    m_treeView->setCurrentIndex(m_tree->platformIndex());
    QTest::mouseClick(m_treeView->viewport(), Qt::LeftButton, Qt::NoModifier,
                      m_treeView->visualRect(m_tree->platformIndex()).center());
    pause(2000);
}

// ---- The report ------------------------------------------------------------------------------------

void printReport(const std::vector<StepFigures>& steps)
{
    std::printf("\n| step | s | longest stall | waiting for a CPU in it | longest own stall | on CPU in it "
                "| most on CPU in one stall | p99 tick lateness | p99 ping | |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    std::vector<float> allTicks;
    std::vector<float> allOwnTicks;
    std::vector<float> allPings;
    for (const StepFigures& step : steps) {
        const Stall longest = step.longest();
        const Stall own = step.longestOwn();
        const std::vector<float> ticks = step.values(step.ticks, false);
        const std::vector<float> pings = step.values(step.pings, false);
        std::printf("| %s | %.1f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s |\n",
                    qPrintable(step.name), step.seconds, longest.wall, longest.runQueue, own.own(), own.onCpu,
                    step.busiest().onCpu, percentile(ticks, 0.99), percentile(pings, 0.99), qPrintable(step.note));
        allTicks.insert(allTicks.end(), ticks.cbegin(), ticks.cend());
        const std::vector<float> ownTicks = step.values(step.ticks, true);
        allOwnTicks.insert(allOwnTicks.end(), ownTicks.cbegin(), ownTicks.cend());
        allPings.insert(allPings.end(), pings.cbegin(), pings.cend());
    }
    const auto byWall = std::max_element(steps.cbegin(), steps.cend(), [](const StepFigures& a, const StepFigures& b) {
        return a.longest().wall < b.longest().wall;
    });
    const auto byOwn = std::max_element(steps.cbegin(), steps.cend(), [](const StepFigures& a, const StepFigures& b) {
        return a.longestOwn().own() < b.longestOwn().own();
    });
    std::printf("\nwhole session: %zu ticks, %zu pings\n", allTicks.size(), allPings.size());
    std::printf("  longest stall %.1f ms (%s), of which %.1f ms waiting for a CPU\n", byWall->longest().wall,
                qPrintable(byWall->name), byWall->longest().runQueue);
    std::printf("  longest own stall %.1f ms (%s), %.1f ms of it on a CPU\n", byOwn->longestOwn().own(),
                qPrintable(byOwn->name), byOwn->longestOwn().onCpu);
    std::printf("  tick lateness: p99 %.1f ms, p99.9 %.1f ms (own: p99 %.1f ms, p99.9 %.1f ms); ping: p99 %.1f ms\n",
                percentile(allTicks, 0.99), percentile(allTicks, 0.999), percentile(allOwnTicks, 0.99),
                percentile(allOwnTicks, 0.999), percentile(allPings, 0.99));
}

constexpr int stackDepthShown = 16;

void printStacks(const std::vector<StepFigures>& steps, std::vector<StackSample> samples)
{
    if (samples.empty()) {
        std::printf("\nno stack sampled: no ping waited 40 ms\n");
        return;
    }
    std::printf("\nwhere the GUI thread was when a ping had waited 40 ms or more (%zu samples):\n", samples.size());
    std::map<int, std::vector<StackSample*>> byStep;
    for (StackSample& sample : samples)
        byStep[sample.step].push_back(&sample);
    for (auto& [step, list] : byStep) {
        std::printf("\n== %s: %zu samples\n", qPrintable(steps.at(size_t(step)).name), list.size());
        // The same stack printed once, with how often it was seen.
        // Grouped by their innermost frames (below the signal handler's two).
        std::map<std::vector<void*>, int> counts;
        for (const StackSample* sample : list) {
            const auto from = sample->frames.begin() + std::min<ptrdiff_t>(2, ptrdiff_t(sample->frames.size()));
            const auto to = from + std::min<ptrdiff_t>(stackDepthShown, sample->frames.end() - from);
            counts[std::vector<void*>(from, to)]++;
        }
        std::vector<std::pair<int, const std::vector<void*>*>> order;
        for (const auto& [frames, count] : counts)
            order.emplace_back(count, &frames);
        std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        int shown = 0;
        for (const auto& [count, frames] : order) {
            if (++shown > 4)
                break;
            std::printf("-- seen %d times:\n", count);
            char** symbols = backtrace_symbols(frames->data(), int(frames->size()));
            for (size_t i = 0; i < frames->size(); ++i)
                std::printf("   %s\n", qPrintable(frameName(symbols[i])));
            std::free(symbols);
        }
    }
}

long peakResidentKb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace

int main(int argc, char* argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // The console's settings (window layout, recent databases) go to a folder of the bench's own.
    QTemporaryDir home;
    for (const char* variable : {"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"})
        qputenv(variable, QDir(home.path()).filePath(QString::fromLatin1(variable)).toLocal8Bit());
    qputenv("LANGUAGE", "en");

    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"TenantDesk"_s);
    QApplication::setApplicationName(u"TenantDesk"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"The console's longest event-loop stall on a large platform."_s);
    parser.addOptions({
        {u"database"_s, u"A demo database (tenantctl demo --scale 100000)."_s, u"path"_s},
        {u"scroll-rows"_s, u"Scroll the users table until this many rows are loaded (default 0: every user)."_s, u"n"_s},
        {u"limit"_s, u"The longest stall allowed, in ms (default 100)."_s, u"ms"_s},
        {u"wall"_s, u"Judge the wall-clock stalls, including the time the GUI thread waited for a CPU that other "
                    "programs had (default: only the console's own part of each stall)."_s},
        {u"stacks"_s, u"Sample the GUI thread's stack during stalls and print where they were spent."_s},
        {u"smoke"_s, u"A short session on a copy of the database, only to check that the bench works."_s},
    });
    parser.addHelpOption();
    parser.process(app);
    QString path = parser.value(u"database"_s);
    if (path.isEmpty() || !QFile::exists(path)) {
        std::fprintf(stderr, "bench_gui_stalls: --database PATH (an existing file) is required\n");
        return 2;
    }
    const bool smoke = parser.isSet(u"smoke"_s);
    const bool judgeWall = parser.isSet(u"wall"_s);
    const int scrollRows = parser.value(u"scroll-rows"_s).toInt();
    const double limit = parser.isSet(u"limit"_s) ? parser.value(u"limit"_s).toDouble() : 100.0;
    if (smoke) {
        // The session changes nothing, but opening a shared fixture is not the bench's to do.
        const QString copy = QDir(home.path()).filePath(u"smoke.tenantdesk"_s);
        if (!QFile::copy(path, copy)) {
            std::fprintf(stderr, "bench_gui_stalls: cannot copy %s\n", qPrintable(path));
            return 2;
        }
        path = copy;
    }

    const Probe facts = probe(path);
    if (facts.tenants == 0) {
        std::fprintf(stderr, "bench_gui_stalls: %s has no tenants (is it a TenantDesk database?)\n", qPrintable(path));
        return 2;
    }
    std::printf("database %s: %d tenants, %d users; platform %s\n", qPrintable(path), facts.tenants, facts.users,
                qPrintable(QGuiApplication::platformName()));

    MainWindow window;
    window.setErrorDialogsEnabled(false);
    QString storeError;
    QObject::connect(&window, &MainWindow::storeFailed, &window, [&storeError](const QString& message) { storeError = message; });
    window.resize(1600, 1000);
    window.show();
    window.activateWindow();
    if (!QTest::qWaitForWindowActive(&window)) {
        std::fprintf(stderr, "bench_gui_stalls: the window never became active\n");
        return 3;
    }

    Watchdog watchdog(parser.isSet(u"stacks"_s));
    Session session(window, watchdog, facts, scrollRows, smoke);
    const bool played = session.play(path);
    watchdog.stop();

    printReport(watchdog.steps());
    if (parser.isSet(u"stacks"_s))
        printStacks(watchdog.steps(), watchdog.takeSamples());
    std::printf("peak resident memory: %.1f MB\n", double(peakResidentKb()) / 1024.0);
    if (!played) {
        std::fprintf(stderr, "bench_gui_stalls: the session stopped: %s%s\n", qPrintable(session.failure()),
                     storeError.isEmpty() ? "" : qPrintable(u" (store: "_s + storeError + u")"_s));
        return 3;
    }
    if (smoke)
        return 0; // the smoke run checks that the session plays, not the figures of a sanitized build
    bool over = false;
    for (const StepFigures& step : watchdog.steps()) {
        const Stall stall = judgeWall ? step.longest() : step.longestOwn();
        const double value = judgeWall ? stall.wall : stall.own();
        if (value < limit)
            continue;
        over = true;
        std::fprintf(stderr, "bench_gui_stalls: a stall of %.1f ms (%.1f ms of it waiting for a CPU; limit %.0f ms) in step “%s”\n",
                     stall.wall, stall.runQueue, limit, qPrintable(step.name));
    }
    return over ? 1 : 0;
}
