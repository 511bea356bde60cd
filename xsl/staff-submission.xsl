<?xml version="1.0" encoding="UTF-8"?>
<!--
  One submission in the back office (page/@name = 'staff-submission'):
  the actions (status change with a message to the citizen; internal
  note), the answers with the questions they answered and the files to
  download, the bill, the history, the notes and the audit trail.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>
  <xsl:include href="answers.xsl"/>
  <xsl:include href="staff.xsl"/>

  <xsl:variable name="S" select="/page/service"/>
  <xsl:variable name="sub" select="/page/submission"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.submission'"/></xsl:call-template>
    <xsl:value-of select="concat(' ', $sub/@ref)"/>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <xsl:call-template name="staff-bar"/>
    <xsl:if test="/page/done">
      <div class="notice" role="status">
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.done.', /page/done/@what)"/></xsl:call-template></p>
      </div>
    </xsl:if>
    <xsl:if test="/page/problem">
      <div class="error-summary" role="alert" tabindex="-1" autofocus="autofocus">
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.problem.', /page/problem/@code)"/></xsl:call-template></p>
      </div>
    </xsl:if>
    <p class="caption"><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></p>
    <h1>
      <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.submission'"/></xsl:call-template>
      <xsl:value-of select="concat(' ', $sub/@ref)"/>
    </h1>
    <dl class="facts">
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.status'"/></xsl:call-template></dt>
      <dd><xsl:call-template name="status-label"><xsl:with-param name="status" select="$sub/@status"/></xsl:call-template></dd>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.received'"/></xsl:call-template></dt>
      <dd><xsl:call-template name="datetime"><xsl:with-param name="iso" select="$sub/@created"/></xsl:call-template></dd>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.label'"/></xsl:call-template></dt>
      <dd>
        <xsl:call-template name="fee"><xsl:with-param name="cents" select="$sub/@fee-cents"/></xsl:call-template>
        <xsl:text> – </xsl:text>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.state.', $sub/payment/@state)"/></xsl:call-template>
        <xsl:for-each select="$sub/payment/event">
          <br/>
          <xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template>
          <xsl:text>: </xsl:text>
          <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.method.', @method)"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.event.', @state)"/></xsl:call-template>
        </xsl:for-each>
      </dd>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.account'"/></xsl:call-template></dt>
      <dd class="account">
        <xsl:choose>
          <xsl:when test="$sub/@trust-level">
            <xsl:call-template name="msg">
              <xsl:with-param name="key" select="'staff.account.login'"/>
              <xsl:with-param name="arg">
                <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('login.level.', $sub/@trust-level)"/></xsl:call-template>
              </xsl:with-param>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.account.none'"/></xsl:call-template></xsl:otherwise>
        </xsl:choose>
      </dd>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.notify'"/></xsl:call-template></dt>
      <dd>
        <xsl:choose>
          <xsl:when test="string($sub/@email)"><xsl:value-of select="$sub/@email"/></xsl:when>
          <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.notify.none'"/></xsl:call-template></xsl:otherwise>
        </xsl:choose>
      </dd>
    </dl>

    <xsl:if test="$sub/payment/@state = 'awaiting'">
      <section class="panel action" aria-labelledby="act-paid">
        <h2 id="act-paid"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.paid'"/></xsl:call-template></h2>
        <form method="post" action="{$script}/submissions/{$sub/@ref}{$lq}">
          <xsl:call-template name="csrf"/>
          <input type="hidden" name="_action" value="paid"/>
          <fieldset>
            <legend><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.method'"/></xsl:call-template></legend>
            <div class="check">
              <input type="radio" name="method" value="transfer" id="paid-transfer" checked="checked"/>
              <label for="paid-transfer"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.method.transfer'"/></xsl:call-template></label>
            </div>
            <div class="check">
              <input type="radio" name="method" value="counter" id="paid-counter"/>
              <label for="paid-counter"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.method.counter'"/></xsl:call-template></label>
            </div>
          </fieldset>
          <button type="submit" class="button secondary"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.paid.button'"/></xsl:call-template></button>
        </form>
      </section>
    </xsl:if>

    <xsl:if test="$sub/payment/@state = 'paid'">
      <xsl:variable name="paid-by" select="$sub/payment/event[@state = 'completed'][last()]/@method"/>
      <section class="panel action" aria-labelledby="act-refund">
        <h2 id="act-refund"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.refund'"/></xsl:call-template></h2>
        <p>
          <xsl:choose>
            <xsl:when test="$paid-by = 'paypal'"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.refund.online'"/></xsl:call-template></xsl:when>
            <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.refund.offline'"/></xsl:call-template></xsl:otherwise>
          </xsl:choose>
        </p>
        <form method="post" action="{$script}/submissions/{$sub/@ref}{$lq}">
          <xsl:call-template name="csrf"/>
          <input type="hidden" name="_action" value="refund"/>
          <div class="check">
            <input type="checkbox" name="confirm" value="1" id="refund-confirm" required="required"/>
            <label for="refund-confirm">
              <xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.refund.confirm'"/></xsl:call-template>
              <xsl:text> </xsl:text>
              <xsl:call-template name="fee"><xsl:with-param name="cents" select="$sub/@fee-cents"/></xsl:call-template>
              <xsl:text> (</xsl:text>
              <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.method.', $paid-by)"/></xsl:call-template>
              <xsl:text>)</xsl:text>
            </label>
          </div>
          <xsl:if test="$paid-by = 'paypal'">
            <div class="check">
              <input type="checkbox" name="manual" value="1" id="refund-manual"/>
              <label for="refund-manual"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.refund.manual'"/></xsl:call-template></label>
            </div>
          </xsl:if>
          <button type="submit" class="button secondary"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.refund.button'"/></xsl:call-template></button>
        </form>
      </section>
    </xsl:if>

    <xsl:if test="$sub/moves/move">
      <section class="panel action" aria-labelledby="act-status">
        <h2 id="act-status"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.change_status'"/></xsl:call-template></h2>
        <form method="post" action="{$script}/submissions/{$sub/@ref}{$lq}">
          <xsl:call-template name="csrf"/>
          <input type="hidden" name="_action" value="status"/>
          <!-- The status this page showed: a change by someone else meanwhile is a conflict. -->
          <input type="hidden" name="from" value="{$sub/@status}"/>
          <fieldset>
            <legend><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.new_status'"/></xsl:call-template></legend>
            <xsl:for-each select="$sub/moves/move">
              <div class="check">
                <!-- None preselected: a status changes only when chosen. -->
                <input type="radio" name="to" value="{@to}" id="to-{@to}"/>
                <label for="to-{@to}"><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.state.', @to)"/></xsl:call-template></label>
              </div>
            </xsl:for-each>
          </fieldset>
          <div class="field">
            <label for="f-message"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.message'"/></xsl:call-template></label>
            <p class="hint" id="f-message-hint"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.message.hint'"/></xsl:call-template></p>
            <textarea id="f-message" name="message" rows="4" maxlength="4000" aria-describedby="f-message-hint"><xsl:text>&#10;</xsl:text></textarea>
          </div>
          <button type="submit" class="button"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.save'"/></xsl:call-template></button>
        </form>
      </section>
    </xsl:if>

    <section class="answers" aria-labelledby="answers-heading">
      <h2 id="answers-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.answers'"/></xsl:call-template></h2>
      <xsl:choose>
        <xsl:when test="string($sub/@purged)">
          <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.purged'"/></xsl:call-template></p>
        </xsl:when>
        <xsl:otherwise>
          <dl>
            <xsl:for-each select="$S/page">
              <xsl:call-template name="answers">
                <xsl:with-param name="page" select="."/>
                <xsl:with-param name="values" select="$sub/values/value"/>
                <xsl:with-param name="filelink" select="concat($script, '/files/', $sub/@ref, '?field=')"/>
              </xsl:call-template>
            </xsl:for-each>
          </dl>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="$sub/values/fee/line">
        <xsl:call-template name="bill"><xsl:with-param name="fee" select="$sub/values/fee"/></xsl:call-template>
      </xsl:if>
    </section>

    <section aria-labelledby="history-heading">
      <h2 id="history-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.history'"/></xsl:call-template></h2>
      <ol class="history">
        <xsl:for-each select="$sub/history/entry">
          <li>
            <xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template>
            <xsl:text> – </xsl:text>
            <xsl:call-template name="status-label"><xsl:with-param name="status" select="@status"/></xsl:call-template>
            <xsl:if test="string(@actor)"><xsl:value-of select="concat(' (', @actor, ')')"/></xsl:if>
            <xsl:if test="string(.)">
              <blockquote class="multiline"><xsl:value-of select="."/></blockquote>
            </xsl:if>
          </li>
        </xsl:for-each>
      </ol>
    </section>

    <!-- The citizen's answers from the Postkorb, with their files. -->
    <xsl:if test="$sub/replies/reply">
      <section aria-labelledby="replies-heading">
        <h2 id="replies-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.replies'"/></xsl:call-template></h2>
        <xsl:for-each select="$sub/replies/reply">
          <div class="note-entry reply">
            <p class="meta">
              <xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template>
              <xsl:if test="not(string(@seen))">
                <xsl:text> – </xsl:text>
                <strong class="badge new"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.reply.new'"/></xsl:call-template></strong>
              </xsl:if>
            </p>
            <p class="multiline"><xsl:value-of select="."/></p>
            <xsl:if test="string(@field)">
              <p>
                <a href="{$script}/files/{$sub/@ref}?field={@field}">
                  <xsl:call-template name="msg">
                    <xsl:with-param name="key" select="'staff.reply.file'"/>
                    <xsl:with-param name="arg" select="@filename"/>
                    <xsl:with-param name="format" select="false()"/>
                  </xsl:call-template>
                </a>
              </p>
            </xsl:if>
          </div>
        </xsl:for-each>
      </section>
    </xsl:if>

    <section aria-labelledby="notes-heading">
      <h2 id="notes-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.notes'"/></xsl:call-template></h2>
      <xsl:for-each select="$sub/notes/note">
        <div class="note-entry">
          <p class="meta">
            <xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template>
            <xsl:value-of select="concat(' – ', @author)"/>
          </p>
          <p class="multiline"><xsl:value-of select="."/></p>
        </div>
      </xsl:for-each>
      <form method="post" action="{$script}/submissions/{$sub/@ref}{$lq}">
        <xsl:call-template name="csrf"/>
        <input type="hidden" name="_action" value="note"/>
        <div class="field">
          <label for="f-note"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.note'"/></xsl:call-template></label>
          <textarea id="f-note" name="note" rows="3" maxlength="4000"><xsl:text>&#10;</xsl:text></textarea>
        </div>
        <button type="submit" class="button secondary"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.add_note'"/></xsl:call-template></button>
      </form>
    </section>

    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.audit'"/></xsl:call-template></h2>
      <table class="audit">
        <thead>
          <tr>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.history.date'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.who'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'staff.what'"/></xsl:call-template></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="$sub/audit/entry">
            <tr>
              <td><xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template></td>
              <td><xsl:value-of select="@actor"/></td>
              <td>
                <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.audit.', @action)"/></xsl:call-template>
                <xsl:if test="string(@before) and @action = 'status'">
                  <xsl:text>: </xsl:text>
                  <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.state.', @before)"/></xsl:call-template>
                  <xsl:text> → </xsl:text>
                  <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.state.', @after)"/></xsl:call-template>
                </xsl:if>
                <xsl:if test="@action = 'refund' and string(@after)">
                  <xsl:text>: </xsl:text>
                  <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('staff.audit.', @after)"/></xsl:call-template>
                </xsl:if>
                <xsl:if test="(@action = 'download' or @action = 'payment' or @action = 'refund') and string(.)"><xsl:value-of select="concat(' (', ., ')')"/></xsl:if>
              </td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </section>
  </xsl:template>

</xsl:stylesheet>
