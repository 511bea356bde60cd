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
  <xsl:include href="slots.xsl"/>

  <xsl:variable name="S" select="/page/service"/>
  <xsl:variable name="sub" select="/page/submission"/>
  <!-- What the appointment's buttons asked for (page_status.c). -->
  <xsl:variable name="BA" select="/page/booking-action"/>
  <!-- This page again: the buttons' forms post to it. -->
  <xsl:variable name="self">
    <xsl:value-of select="concat($script, '/status/', $sub/@ref)"/>
    <xsl:if test="string($sub/@token)"><xsl:value-of select="concat('?token=', $sub/@token)"/></xsl:if>
    <xsl:if test="$lang != 'de'">
      <xsl:choose>
        <xsl:when test="string($sub/@token)">&amp;</xsl:when>
        <xsl:otherwise>?</xsl:otherwise>
      </xsl:choose>
      <xsl:value-of select="concat('lang=', $lang)"/>
    </xsl:if>
  </xsl:variable>

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

    <xsl:if test="/page/booking-done">
      <div class="notice" role="status">
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('booking.done.', /page/booking-done/@kind)"/></xsl:call-template></p>
      </div>
    </xsl:if>
    <xsl:if test="string($BA/@problem)">
      <div class="error-summary" role="alert" aria-labelledby="booking-problem-title" tabindex="-1">
        <h2 id="booking-problem-title"><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.problem.heading'"/></xsl:call-template></h2>
        <p>
          <xsl:choose>
            <xsl:when test="$BA/@problem = 'slot' or $BA/@problem = 'slot_taken'">
              <a href="#f-{/page/slots/@field}"><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('booking.problem.', $BA/@problem)"/></xsl:call-template></a>
            </xsl:when>
            <xsl:otherwise>
              <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('booking.problem.', $BA/@problem)"/></xsl:call-template>
            </xsl:otherwise>
          </xsl:choose>
        </p>
      </div>
    </xsl:if>
    <xsl:call-template name="booking-box">
      <xsl:with-param name="actions">
        <xsl:call-template name="booking-actions"/>
      </xsl:with-param>
    </xsl:call-template>

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

  <!--
    The appointment's buttons: "Termin verschieben" and "Termin absagen"
    while it stands and has not begun; after "absagen" the question
    whether for sure; after "verschieben" the free times to choose from.
  -->
  <xsl:template name="booking-actions">
    <xsl:choose>
      <xsl:when test="/page/booking/@started"/>
      <xsl:when test="$BA[@kind = 'cancel'][not(string(@problem))]">
        <div class="confirm">
          <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.cancel.confirm'"/></xsl:call-template></p>
          <form method="post" action="{$self}">
            <input type="hidden" name="_action" value="cancel"/>
            <input type="hidden" name="_confirm" value="1"/>
            <input type="hidden" name="booking" value="{/page/booking/@id}"/>
            <button type="submit" class="button"><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.cancel.yes'"/></xsl:call-template></button>
            <xsl:text> </xsl:text>
            <a href="{$self}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.cancel.no'"/></xsl:call-template></a>
          </form>
        </div>
      </xsl:when>
      <xsl:when test="$BA[@kind = 'move'] and /page/slots">
        <form method="post" action="{$self}" novalidate="novalidate" class="booking-move">
          <input type="hidden" name="_action" value="move"/>
          <input type="hidden" name="booking" value="{/page/booking/@id}"/>
          <!-- Enter in the form means "move", not a week button. -->
          <button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.move.do'"/></xsl:call-template>
          </button>
          <fieldset class="field field-slot">
            <legend><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.move.legend'"/></xsl:call-template></legend>
            <xsl:call-template name="slot-choice">
              <xsl:with-param name="k" select="string(/page/slots/@field)"/>
              <xsl:with-param name="id" select="concat('f-', /page/slots/@field)"/>
              <xsl:with-param name="invalid" select="string($BA/@problem) != ''"/>
            </xsl:call-template>
          </fieldset>
          <div class="actions">
            <button type="submit" class="button"><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.move.do'"/></xsl:call-template></button>
            <xsl:text> </xsl:text>
            <a href="{$self}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.move.keep'"/></xsl:call-template></a>
          </div>
        </form>
      </xsl:when>
      <xsl:otherwise>
        <div class="actions">
          <form method="post" action="{$self}" class="inline">
            <input type="hidden" name="_action" value="move"/>
            <button type="submit" class="button secondary"><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.move'"/></xsl:call-template></button>
          </form>
          <xsl:text> </xsl:text>
          <form method="post" action="{$self}" class="inline">
            <input type="hidden" name="_action" value="cancel"/>
            <button type="submit" class="button secondary"><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.cancel'"/></xsl:call-template></button>
          </form>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
