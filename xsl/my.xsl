<?xml version="1.0" encoding="UTF-8"?>
<!--
  "Meine Anträge" (page/@name = 'my'): <my csrf><submission ref service
  status created payment fee-cents messages unanswered><title xml:lang/>
  <message/></submission>..</my>, newest first; links to receipt,
  status, checkout and Postkorb without any token (the account opens
  them), and the form to add a submission sent without login.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>

  <xsl:template match="page" mode="head">
    <meta name="robots" content="noindex, nofollow"/>
  </xsl:template>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'my.title'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <h1><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.title'"/></xsl:call-template></h1>
    <xsl:if test="done/@what = 'added'">
      <p class="notice success" role="status"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.done.added'"/></xsl:call-template></p>
    </xsl:if>
    <xsl:if test="problem">
      <p class="notice error" role="alert"><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('my.problem.', problem/@code)"/></xsl:call-template></p>
    </xsl:if>
    <p class="lead"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.intro'"/></xsl:call-template></p>
    <xsl:choose>
      <xsl:when test="my/submission">
        <ul class="my-list">
          <xsl:apply-templates select="my/submission"/>
        </ul>
      </xsl:when>
      <xsl:otherwise>
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.none'"/></xsl:call-template></p>
      </xsl:otherwise>
    </xsl:choose>

    <section class="claim panel" aria-labelledby="claim-heading">
      <h2 id="claim-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.claim'"/></xsl:call-template></h2>
      <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.claim.intro'"/></xsl:call-template></p>
      <form method="post">
        <xsl:attribute name="action"><xsl:call-template name="link"><xsl:with-param name="path" select="'/my'"/></xsl:call-template></xsl:attribute>
        <input type="hidden" name="_csrf" value="{my/@csrf}"/>
        <div class="field">
          <label for="claim-ref"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.claim.ref'"/></xsl:call-template></label>
          <p class="hint" id="claim-ref-hint"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.claim.ref.hint'"/></xsl:call-template></p>
          <input type="text" id="claim-ref" name="ref" required="required" maxlength="20" autocomplete="off"
                 spellcheck="false" class="code-input" aria-describedby="claim-ref-hint"/>
        </div>
        <div class="field">
          <label for="claim-token"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.claim.token'"/></xsl:call-template></label>
          <p class="hint" id="claim-token-hint"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.claim.token.hint'"/></xsl:call-template></p>
          <input type="text" id="claim-token" name="token" required="required" maxlength="32" autocomplete="off"
                 spellcheck="false" class="code-input" aria-describedby="claim-token-hint"/>
        </div>
        <button type="submit" class="button"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.claim.submit'"/></xsl:call-template></button>
      </form>
    </section>
    <xsl:call-template name="back-to-catalog"/>
  </xsl:template>

  <xsl:template match="submission">
    <li class="my-item panel status-{@status}">
      <h2>
        <xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template>
        <xsl:if test="not(title)"><xsl:value-of select="@service"/></xsl:if>
      </h2>
      <dl class="facts">
        <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.ref'"/></xsl:call-template></dt>
        <dd class="ref-code"><xsl:value-of select="@ref"/></dd>
        <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.created'"/></xsl:call-template></dt>
        <dd><xsl:call-template name="datetime"><xsl:with-param name="iso" select="@created"/></xsl:call-template></dd>
        <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.status'"/></xsl:call-template></dt>
        <dd><strong><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('status.', @status)"/></xsl:call-template></strong></dd>
        <xsl:if test="number(@fee-cents) &gt; 0">
          <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.payment'"/></xsl:call-template></dt>
          <dd>
            <xsl:call-template name="fee"><xsl:with-param name="cents" select="@fee-cents"/></xsl:call-template>
            <xsl:text> (</xsl:text>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('my.payment.', @payment)"/></xsl:call-template>
            <xsl:text>)</xsl:text>
          </dd>
        </xsl:if>
      </dl>
      <xsl:if test="number(@messages) &gt; 0">
        <div class="message">
          <p class="meta">
            <xsl:if test="string(@unanswered)">
              <strong class="badge new"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.new'"/></xsl:call-template></strong>
              <xsl:text> </xsl:text>
            </xsl:if>
            <xsl:call-template name="msg">
              <xsl:with-param name="key" select="'my.messages'"/>
              <xsl:with-param name="arg" select="@messages"/>
            </xsl:call-template>
          </p>
          <p class="multiline">
            <span class="label"><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.last_message'"/></xsl:call-template>: </span>
            <xsl:value-of select="message"/>
          </p>
        </div>
      </xsl:if>
      <ul class="links my-links">
        <li>
          <!-- The Postkorb is where a message waits for an answer: then it is the button. -->
          <a>
            <xsl:if test="string(@unanswered)"><xsl:attribute name="class">button</xsl:attribute></xsl:if>
            <xsl:attribute name="href"><xsl:call-template name="link"><xsl:with-param name="path" select="concat('/my/', @ref)"/></xsl:call-template></xsl:attribute>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'my.postkorb'"/></xsl:call-template>
          </a>
        </li>
        <li><a><xsl:attribute name="href"><xsl:call-template name="link"><xsl:with-param name="path" select="concat('/status/', @ref)"/></xsl:call-template></xsl:attribute><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.status_page'"/></xsl:call-template></a></li>
        <li><a><xsl:attribute name="href"><xsl:call-template name="link"><xsl:with-param name="path" select="concat('/receipt/', @ref)"/></xsl:call-template></xsl:attribute><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.receipt'"/></xsl:call-template></a></li>
        <xsl:if test="@payment = 'awaiting'">
          <li><a><xsl:attribute name="href"><xsl:call-template name="link"><xsl:with-param name="path" select="concat('/pay/', @ref)"/></xsl:call-template></xsl:attribute><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.pay'"/></xsl:call-template></a></li>
        </xsl:if>
      </ul>
    </li>
  </xsl:template>

</xsl:stylesheet>
