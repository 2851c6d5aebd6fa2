#pragma once

#include <QLayout>
#include <QList>

namespace TenantDesk {

// Items side by side, left to right, going on to the next line when the width runs out (Qt's
// flowlayout example, in short). A row of buttons in it needs only the width of its widest button:
// a page's longer words in another language do not widen the page.
class FlowLayout : public QLayout
{
public:
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = -1);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    int count() const override { return int(m_items.size()); }
    QLayoutItem* itemAt(int index) const override { return m_items.value(index); }
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return arrange(QRect(0, 0, width, 0), false); }
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect& rect) override;

private:
    int arrange(const QRect& rect, bool place) const; // the height used
    int gap() const;

    QList<QLayoutItem*> m_items;
    int m_spacing;
};

} // namespace TenantDesk
