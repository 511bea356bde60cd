<?xml version="1.0" encoding="UTF-8"?>
<!--
  The status page (page/@name = 'status'): reference, service, current
  status, what happens next, the town hall's messages, the fee, history
  and contact.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>
  <xsl:include href="answers.xsl"/>

  <xsl:variable name="S" select="/page/service"/>
  <xsl:variable name="sub" select="/page/submission"/>

  <xsl:template match="page" mode="head">
    <meta name="robots" content="noindex, nofollow"/>
  </xsl:template>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'status.title'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <h1><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.title'"/></xsl:call-template></h1>
    <dl class="facts">
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.ref'"/></xsl:call-template></dt>
      <dd class="ref-code"><xsl:value-of select="$sub/@ref"/></dd>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.service'"/></xsl:call-template></dt>
      <dd><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></dd>
      <xsl:if test="string($sub/@created)">
        <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.created'"/></xsl:call-template></dt>
        <dd><xsl:call-template name="datetime"><xsl:with-param name="iso" select="$sub/@created"/></xsl:call-template></dd>
      </xsl:if>
    </dl>

    <div class="panel status status-{$sub/@status}">
      <h2><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.current'"/></xsl:call-template></h2>
      <p class="status-value"><strong><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('status.', $sub/@status)"/></xsl:call-template></strong></p>
      <h3><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.next'"/></xsl:call-template></h3>
      <p><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('next.', $sub/@status)"/></xsl:call-template></p>
    </div>

    <xsl:call-template name="booking-box"/>

    <!-- What the town hall wrote, newest first. -->
    <xsl:if test="$sub/history/entry[string(.) != '']">
      <section class="messages" aria-labelledby="messages-heading">
        <h2 id="messages-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.messages'"/></xsl:call-template></h2>
        <xsl:for-each select="$sub/history/entry[string(.) != '']">
          <xsl:sort select="position()" data-type="number" order="descending"/>
          <div class="message">
            <p class="meta">
              <xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template>
              <xsl:text> – </xsl:text>
              <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('status.', @status)"/></xsl:call-template>
            </p>
            <p class="multiline"><xsl:value-of select="."/></p>
          </div>
        </xsl:for-each>
      </section>
    </xsl:if>

    <xsl:if test="number($sub/@fee-cents) &gt; 0">
      <xsl:call-template name="payment-line"/>
    </xsl:if>

    <xsl:if test="$sub/history/entry">
      <table class="history">
        <caption><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.history'"/></xsl:call-template></caption>
        <thead>
          <tr>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.history.date'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.history.status'"/></xsl:call-template></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="$sub/history/entry">
            <tr>
              <td><xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template></td>
              <td><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('status.', @status)"/></xsl:call-template></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </xsl:if>

    <xsl:apply-templates select="$S/clerk" mode="contact"/>
    <xsl:call-template name="back-to-catalog"/>
  </xsl:template>

</xsl:stylesheet>
