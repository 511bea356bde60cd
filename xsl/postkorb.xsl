<?xml version="1.0" encoding="UTF-8"?>
<!--
  The Postkorb of one submission (page/@name = 'postkorb'): the town
  hall's messages (submission/history/entry with text) and the citizen's
  answers (replies/reply) in the order they were written, and, while the
  town hall waits for the citizen (my/@answer), the form to answer with
  one optional file. <problem code arg/> after a refused answer (and my
  holds the text that was sent, for the text box), <done/> after one
  stored.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>

  <xsl:variable name="S" select="/page/service"/>
  <xsl:variable name="sub" select="/page/submission"/>

  <xsl:template match="page" mode="head">
    <meta name="robots" content="noindex, nofollow"/>
  </xsl:template>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.title'"/></xsl:call-template>
    <xsl:text>: </xsl:text>
    <xsl:value-of select="$sub/@ref"/>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <h1>
      <xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.title'"/></xsl:call-template>
      <xsl:text>: </xsl:text>
      <xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template>
    </h1>
    <xsl:if test="done">
      <p class="notice success" role="status"><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.done.answer'"/></xsl:call-template></p>
    </xsl:if>
    <xsl:if test="problem">
      <p class="notice error" role="alert" id="answer-problem">
        <xsl:choose>
          <xsl:when test="starts-with(problem/@code, 'file_')">
            <xsl:call-template name="msg">
              <xsl:with-param name="key" select="concat('error.', problem/@code)"/>
              <xsl:with-param name="arg" select="problem/@arg"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('postkorb.problem.', problem/@code)"/></xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </p>
    </xsl:if>
    <dl class="facts">
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.ref'"/></xsl:call-template></dt>
      <dd class="ref-code"><xsl:value-of select="$sub/@ref"/></dd>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'my.status'"/></xsl:call-template></dt>
      <dd><strong><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('status.', $sub/@status)"/></xsl:call-template></strong></dd>
    </dl>

    <xsl:call-template name="booking-box">
      <xsl:with-param name="actions">
        <xsl:if test="not(/page/booking/@started)">
          <p><a href="{$script}/status/{$sub/@ref}{$lq}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'booking.manage'"/></xsl:call-template></a></p>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>

    <section class="messages" aria-labelledby="conv-heading">
      <h2 id="conv-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.conversation'"/></xsl:call-template></h2>
      <xsl:variable name="all" select="$sub/history/entry[string(.) != ''] | replies/reply"/>
      <xsl:if test="not($all)">
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.none'"/></xsl:call-template></p>
      </xsl:if>
      <!-- In the order written: both carry their local time. -->
      <xsl:for-each select="$all">
        <xsl:sort select="@at"/>
        <div class="message from-{local-name()}">
          <p class="meta">
            <xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template>
            <xsl:text> – </xsl:text>
            <xsl:choose>
              <xsl:when test="self::reply"><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.from_you'"/></xsl:call-template></xsl:when>
              <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.from_town'"/></xsl:call-template></xsl:otherwise>
            </xsl:choose>
          </p>
          <p class="multiline"><xsl:value-of select="."/></p>
          <xsl:if test="self::reply and string(@filename)">
            <p class="file">
              <xsl:call-template name="msg">
                <xsl:with-param name="key" select="'postkorb.file'"/>
                <xsl:with-param name="arg" select="@filename"/>
                <xsl:with-param name="format" select="false()"/>
              </xsl:call-template>
            </p>
          </xsl:if>
        </div>
      </xsl:for-each>
    </section>

    <xsl:choose>
      <xsl:when test="string(my/@answer)">
        <section class="answer" aria-labelledby="answer-heading">
          <h2 id="answer-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.answer'"/></xsl:call-template></h2>
          <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.answer.intro'"/></xsl:call-template></p>
          <form method="post" enctype="multipart/form-data">
            <xsl:attribute name="action"><xsl:call-template name="link"><xsl:with-param name="path" select="concat('/my/', $sub/@ref)"/></xsl:call-template></xsl:attribute>
            <input type="hidden" name="_csrf" value="{my/@csrf}"/>
            <!-- After a refused answer the control it concerns points at the notice. -->
            <xsl:variable name="bad-text" select="problem/@code = 'answer_text' or problem/@code = 'answer_bidi'"/>
            <xsl:variable name="bad-file" select="starts-with(problem/@code, 'file_')"/>
            <div class="field">
              <xsl:if test="$bad-text"><xsl:attribute name="class">field field-invalid</xsl:attribute></xsl:if>
              <label for="answer-text"><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.answer.text'"/></xsl:call-template></label>
              <textarea id="answer-text" name="text" rows="6" maxlength="4000" required="required">
                <xsl:if test="$bad-text">
                  <xsl:attribute name="aria-invalid">true</xsl:attribute>
                  <xsl:attribute name="aria-describedby">answer-problem</xsl:attribute>
                </xsl:if>
                <xsl:value-of select="my"/>
              </textarea>
            </div>
            <div class="field">
              <xsl:if test="$bad-file"><xsl:attribute name="class">field field-invalid</xsl:attribute></xsl:if>
              <label for="answer-file"><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.answer.file'"/></xsl:call-template></label>
              <input type="file" id="answer-file" name="file" accept="application/pdf,image/jpeg,image/png">
                <xsl:if test="$bad-file">
                  <xsl:attribute name="aria-invalid">true</xsl:attribute>
                  <xsl:attribute name="aria-describedby">answer-problem</xsl:attribute>
                </xsl:if>
              </input>
            </div>
            <button type="submit" class="button"><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.answer.submit'"/></xsl:call-template></button>
          </form>
        </section>
      </xsl:when>
      <xsl:otherwise>
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.not_waiting'"/></xsl:call-template></p>
      </xsl:otherwise>
    </xsl:choose>

    <p class="back">
      <a><xsl:attribute name="href"><xsl:call-template name="link"><xsl:with-param name="path" select="'/my'"/></xsl:call-template></xsl:attribute><xsl:call-template name="msg"><xsl:with-param name="key" select="'postkorb.to_my'"/></xsl:call-template></a>
    </p>
    <xsl:apply-templates select="$S/clerk" mode="contact"/>
  </xsl:template>

</xsl:stylesheet>
